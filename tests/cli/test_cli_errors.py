"""How the command line shows a refusal: the message, then the hint for its code."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

import lotline
from lotline import errors
from lotline.cli import app
from lotline.cli.hints import HINTS, hint_for
from lotline.errors import error_classes

CODES = {cls.code: cls for cls in error_classes()}
COMMAND = re.compile(r"`(lotline [^`]*)`")

# Details as the services give them, so that every branch of every hint is shown.
SAMPLES: tuple[dict[str, object], ...] = (
    {},
    {"product": "CHAIR"},
    {"gtin": "09506000134352"},
    {"product": "CHAIR", "lot": "SN 1", "location": "WH/Stock/Shelf 1"},
    {"product": "CHAIR", "tracking": "lot", "location": "WH/Stock", "quantity": "-2"},
    {"product": "PEN", "tracking": "none"},
    {"document": "WH/OUT/00001", "state": "done"},
    {"document": "WH/MO/00001", "product": "CHAIR", "lot": "SN1", "tracking": "lot"},
    {"document": "INV/00001"},
    {"bom": 7},
    {"setting": "lots_and_serials", "tracked": ["CHAIR"]},
    {"setting": "lots_and_serials"},
    {"setting": "expiration_dates"},
    {"first": "SN0001", "count": 3, "document": "WH/MO/00001"},
    {"product": "WOOD", "quantity": "1000", "available": "15", "kind": "delivery"},
    {"database": "sqlite:////home/me/typo.db", "path": "/home/me/typo.db"},
)


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    lotline.open(url).close()
    return url


def lotline_cli(db: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--db", db, *args])
    return result.exit_code, result.output


def error_and_hint(out: str) -> tuple[str, str]:
    lines = out.strip().splitlines()
    assert lines[-2].startswith("Error: ") and lines[-1].startswith("Hint: "), out
    return lines[-2], lines[-1]


def test_an_unknown_product_shows_the_message_then_the_command_that_creates_it(db: str) -> None:
    code, out = lotline_cli(db, "products", "show", "NOPE")
    assert code == 2
    message, hint = error_and_hint(out)
    assert message == (
        "Error: There is no product with code 'NOPE'. Check the code, or create the product first."
    )
    assert hint.startswith("Hint: Create it with `lotline products add NOPE NAME`")


def test_a_refusal_keeps_exit_code_2_and_its_message_names_no_command(db: str) -> None:
    code, out = lotline_cli(db, "stock", "--location", "WH/Nowhere")
    assert code == 2
    message, hint = error_and_hint(out)
    assert "WH/Nowhere" in message and "lotline" not in message
    assert (
        hint
        == "Hint: `lotline locations list` shows them all; `lotline locations add` creates one."
    )


def test_a_value_with_spaces_is_quoted_in_the_hint(db: str) -> None:
    code, out = lotline_cli(db, "products", "show", "OAK PLANK")
    assert code == 2
    _, hint = error_and_hint(out)
    assert hint.startswith("Hint: Create it with `lotline products add 'OAK PLANK' NAME`")
    assert hint_for(errors.UnknownLot("x", details={"product": "A B"})) == (
        "`lotline lots list --product 'A B'` shows its lots."
    )
    negative = {"product": "NUT", "tracking": "lot", "location": "WH/Stock/Shelf 1"}
    assert hint_for(errors.InvalidState("x", details=negative)) == (
        "`lotline adjust NUT 'WH/Stock/Shelf 1' 0` sets it to 0."
    )


def test_the_setting_hint_names_the_settings_command_that_turns_it_on(db: str) -> None:
    assert lotline_cli(db, "settings", "--lots-and-serials", "off")[0] == 0
    code, out = lotline_cli(db, "products", "add", "PEN", "Pen", "--tracking", "lot")
    assert code == 2
    message, hint = error_and_hint(out)
    assert "'Lots & Serial Numbers' setting is off" in message
    assert hint == "Hint: Turn it on with `lotline settings --lots-and-serials on`."
    assert lotline_cli(db, "settings", "--lots-and-serials", "on")[0] == 0
    assert lotline_cli(db, "products", "add", "PEN", "Pen", "--tracking", "lot")[0] == 0
    code, out = lotline_cli(db, "settings")
    assert code == 0 and "Lots & Serial Numbers: on" in out and "Expiration Dates: off" in out


def test_settings_refuses_a_switch_other_than_on_or_off(db: str) -> None:
    code, out = lotline_cli(db, "settings", "--expiration-dates", "maybe")
    assert code == 2 and "on or off" in out


def test_a_code_without_hint_prints_the_message_alone(db: str) -> None:
    code, out = lotline_cli(db, "products", "add", "X", "X", "--tracking", "batch")
    assert code == 2
    assert out.strip().startswith("Error: Tracking 'batch' is not one of none, lot, serial")
    assert "Hint:" not in out


def test_every_hint_is_for_a_code_of_the_hierarchy() -> None:
    assert sorted(set(HINTS) - set(CODES)) == []


def test_the_hints_cover_what_messages_used_to_say() -> None:
    expected = {
        "unknown_product": "lotline products add CHAIR NAME",
        "unknown_location": "lotline locations list",
        "unknown_lot": "lotline lots list --product CHAIR",
        "unknown_count": "lotline counts",
        "outdated_count": "lotline counts --apply --force",
        "setting_required": "lotline settings --lots-and-serials on",
        "serials_required": "--first-serial",
        "not_found": "lotline bom add CHAIR COMPONENT:QTY",
    }
    for code, text in expected.items():
        error = CODES[code]("x", first="SN1", count=2) if code == "serials_required" else None
        error = error or CODES[code]("x", details={"product": "CHAIR"})
        assert text in (hint_for(error) or ""), code
    unknown_document = hint_for(errors.UnknownOperation("x", details={"document": "X"}))
    assert unknown_document == "`lotline transfers list` / `lotline mo list` show them."
    assert hint_for(errors.UnknownOperation("x", details={"document": "WH/MO/00009"})) == (
        "`lotline mo list` shows them."
    )
    assert "lotline history" in (
        hint_for(errors.UnknownOperation("x", details={"document": "INV/00001"})) or ""
    )
    assert hint_for(errors.InvalidState("x", details={"document": "INV/00001"})) is None
    assert hint_for(errors.InvalidState("x", details={"document": "WH/IN/00001"})) == (
        "`lotline transfers show WH/IN/00001` shows its state."
    )


def _command(root: Any, text: str) -> None:
    """Fail unless ``text`` ("lotline GROUP COMMAND ARGS --OPTION ...") is a real command."""
    words = shlex.split(text)[1:]
    command = root
    while getattr(command, "commands", None) and words:
        if words[0].startswith("--"):
            option = words.pop(0)
            assert option in {opt for param in command.params for opt in param.opts}, text
            words.pop(0)
            continue
        found = command.commands.get(words.pop(0))
        assert found is not None, f"no command in {text!r}"
        command = found
    assert not getattr(command, "commands", None), f"{text!r} names a group, not a command"
    options = {opt for param in command.params for opt in param.opts}
    for word in words:
        if word.startswith("--"):
            assert word in options, f"{text!r}: {command.name} has no {word}"


def test_every_command_a_hint_names_exists_with_its_options() -> None:
    root = typer.main.get_command(app)
    named = set()
    for code, hint in HINTS.items():
        for details in SAMPLES:
            named.update(COMMAND.findall(hint(details) or ""))
        assert any(hint(details) for details in SAMPLES), code
    assert len(named) > 15
    for text in sorted(named):
        _command(root, text)
