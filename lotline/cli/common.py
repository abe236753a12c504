"""What every command shares: the Typer app, --db, opening the database, messages.

Imports stay light: the library, SQLAlchemy and Rich are loaded when a command
needs them, so ``lotline --help`` and a small query start quickly.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer

from lotline.errors import LotlineError

if TYPE_CHECKING:
    from rich.console import Console

    from lotline.app import Lotline

T = TypeVar("T")

app = typer.Typer(
    help="lotline: lot and serial number traceability for inventory and manufacturing.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="LOTLINE_DB",
        help="Database URL (default: sqlite:///lotline.db; env LOTLINE_DB).",
        show_default=False,
    ),
]

SERVER_FAILURE = 1
"""Exit code when the database failed in a way lotline does not know (the server's side)."""
REFUSED = 2
"""Exit code of a refusal: nothing was recorded."""


class _State:
    db: str | None = None


state = _State()


@app.callback()
def _main(db: DbOption = None) -> None:
    state.db = db


@cache
def _console(stderr: bool) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def console() -> Console:
    """Rich output on standard output (loaded on first use)."""
    return _console(False)


def err_console() -> Console:
    """Rich output on standard error: refusals, progress, notes beside CSV or JSON."""
    return _console(True)


def open_app(db: str | None = None, *, create: bool = False) -> Lotline:
    """The database of --db / LOTLINE_DB; only ``create`` makes a missing one."""
    from lotline.app import open as open_lotline

    return open_lotline(db or state.db, create=create)


def run(action: Callable[[Lotline], T], db: str | None = None, *, create: bool = False) -> T:
    """Open the database, run one action, and turn refusals into a clear message."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with open_app(db, create=create) as opened:
            return action(opened)
    except LotlineError as exc:
        refuse(exc)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        fail(
            f"The database failed: {reason}. Nothing was recorded; run the command again, "
            "and if it fails again, check the database server and its logs.",
            code=SERVER_FAILURE,
        )


def refuse(error: LotlineError) -> NoReturn:
    """Print a refusal's message, then the command-line hint for its code; exit with 2."""
    from lotline.cli.hints import hint_for

    fail(error.message or str(error), hint=hint_for(error))


def fail(message: str, *, hint: str | None = None, code: int = REFUSED) -> NoReturn:
    """Print a refusal (names such as "[reverted]" stay as they are) and exit with ``code``."""
    from rich.text import Text

    err_console().print(Text.assemble(("Error: ", "bold red"), message), soft_wrap=True)
    if hint:
        err_console().print(Text.assemble(("Hint: ", "bold"), hint), soft_wrap=True)
    raise typer.Exit(code)


def say(message: str, *, to_stderr: bool = False) -> None:
    """Print a line for people, verbatim (names such as "[A]" are not read as markup)."""
    (err_console() if to_stderr else console()).print(message, markup=False, soft_wrap=True)


def reader_gone() -> NoReturn:
    """The pipe was closed (`lotline lots list | head`): stop quietly, as a success."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise typer.Exit(0)


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


@contextmanager
def progress(description: str) -> Iterator[None]:
    """A spinner with the elapsed time on a terminal while a long command works; nothing
    when standard error is piped or redirected, or ``description`` is empty."""
    if not description or not stderr_is_terminal():
        yield
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err_console(),
        transient=True,
    ) as bar:
        bar.add_task(description, total=None)
        yield
