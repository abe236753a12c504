"""Commands for the server's users and their API tokens."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from lotline.services.users import ApiToken, User

from lotline.cli.common import DbOption, app, fail, run, say
from lotline.cli.output import (
    Column,
    ExcelOption,
    Format,
    FormatOption,
    LimitOption,
    date_text,
    listing,
    write,
)

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
def users_list(
    format: FormatOption = Format.table,
    limit: LimitOption = None,
    excel: ExcelOption = False,
    db: DbOption = None,
) -> None:
    """Every user with their role."""
    rows = run(lambda a: a.users.list(), db)
    write(rows, USER_COLUMNS, listing(format, limit, excel), title="Users")


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
    sys.stdout.write(secret + "\n")


@tokens_app.command("list")
def tokens_list(
    format: FormatOption = Format.table,
    limit: LimitOption = None,
    excel: ExcelOption = False,
    db: DbOption = None,
) -> None:
    """API tokens without their secrets."""
    rows = run(lambda a: a.users.tokens(), db)
    write(rows, TOKEN_COLUMNS, listing(format, limit, excel), title="API tokens")


@tokens_app.command("revoke")
def tokens_revoke(token_id: int, db: DbOption = None) -> None:
    """Revoke an API token: requests with it are refused from now on."""
    token = run(lambda a: a.users.revoke(token_id), db)
    say(f"Revoked token {token.id} of {token.user}.")


USER_COLUMNS: list[Column[User]] = [
    Column("Id", "id", lambda u: u.id),
    Column("Name", "name", lambda u: u.name),
    Column("Role", "role", lambda u: u.role),
    Column("Password", "has_password", lambda u: u.has_password),
]
TOKEN_COLUMNS: list[Column[ApiToken]] = [
    Column("Id", "id", lambda t: t.id),
    Column("User", "user", lambda t: t.user),
    Column("Label", "label", lambda t: t.label),
    Column("Starts with", "prefix", lambda t: t.prefix),
    Column("Created", "created_at", lambda t: date_text(t.created_at)),
    Column("Revoked", "revoked_at", lambda t: date_text(t.revoked_at)),
]
