"""Commands for the server's users and their API tokens."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from lotline.cli.common import DbOption, app, cells, console, fail, run, say

users_app = typer.Typer(help="Users of the server and their roles.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens for the server.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")


@users_app.command("add")
def users_add(
    name: str,
    role: Annotated[str, typer.Option(help="viewer, operator, manager or admin")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read a password from standard input")
    ] = False,
    db: DbOption = None,
) -> None:
    """Add a user with a role (each role includes the ones before it)."""
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            fail("No password was given on standard input.")
    user = run(lambda a: a.users.add(name, role, password), db)
    say(f"Added user {user.name} ({user.role}).")


@users_app.command("list")
def users_list(db: DbOption = None) -> None:
    """Every user with their role."""
    table = Table(title="Users")
    for column in ("Id", "Name", "Role", "Password"):
        table.add_column(column)
    for user in run(lambda a: a.users.list(), db):
        table.add_row(
            *cells(str(user.id), user.name, user.role, "yes" if user.has_password else "")
        )
    console.print(table)


@users_app.command("set-role")
def users_set_role(name: str, role: str, db: DbOption = None) -> None:
    """Change a user's role."""
    user = run(lambda a: a.users.set_role(name, role), db)
    say(f"User {user.name} is now {user.role}.")


@tokens_app.command("create")
def tokens_create(
    name: str,
    label: Annotated[str | None, typer.Option(help="What the token is for")] = None,
    db: DbOption = None,
) -> None:
    """Create an API token for a user; it is printed once, alone on the last line."""
    secret = run(lambda a: a.users.token(name, label), db)
    say(f"API token for {name} (shown once; keep it secret):")
    console.file.write(secret + "\n")


@tokens_app.command("list")
def tokens_list(db: DbOption = None) -> None:
    """API tokens without their secrets."""
    table = Table(title="API tokens")
    for column in ("Id", "User", "Label", "Starts with", "Created", "Revoked"):
        table.add_column(column)
    for token in run(lambda a: a.users.tokens(), db):
        revoked = f"{token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else ""
        table.add_row(
            *cells(
                str(token.id),
                token.user,
                token.label or "",
                token.prefix,
                f"{token.created_at:%Y-%m-%d %H:%M}",
                revoked,
            )
        )
    console.print(table)


@tokens_app.command("revoke")
def tokens_revoke(token_id: int, db: DbOption = None) -> None:
    """Revoke an API token: requests with it are refused from now on."""
    token = run(lambda a: a.users.revoke(token_id), db)
    say(f"Revoked token {token.id} of {token.user}.")
