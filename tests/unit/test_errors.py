"""The error hierarchy: codes, their documentation, bases, details and message wording."""

from __future__ import annotations

import ast
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lotline import errors
from lotline.errors import LotlineError, error_classes
from lotline.services.adjustments import Adjustments
from lotline.services.catalog import Catalog, SettingsService
from lotline.services.locations import Locations
from lotline.services.lots import LotsService
from lotline.services.manufacturing import Manufacturing
from lotline.services.stock import StockService
from lotline.services.trace import Trace
from lotline.services.transfers import Transfers
from lotline.services.users import DuplicateUser, UnknownJob, UnknownToken, UnknownUser

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "errors.md"
CLASSES = list(error_classes())
SNAKE_CASE = re.compile(r"[a-z]+(_[a-z]+)*")

# Each class and the classes it must stay an instance of (its Python bases included).
BASES: dict[type[LotlineError], tuple[type[Exception], ...]] = {
    errors.LotlineError: (Exception,),
    errors.InvalidInput: (LotlineError, ValueError),
    errors.InvalidQuantity: (errors.InvalidInput, ValueError),
    errors.QuantityOutOfRange: (errors.InvalidQuantity, errors.InvalidInput, ValueError),
    errors.InvalidLotName: (errors.InvalidInput, ValueError),
    errors.InvalidTracking: (errors.InvalidInput, ValueError),
    errors.InvalidBarcode: (errors.InvalidInput, ValueError),
    errors.InvalidList: (errors.InvalidInput, ValueError),
    errors.MissingLot: (errors.InvalidInput, ValueError),
    errors.InvalidIdentifier: (errors.InvalidInput, ValueError),
    errors.InvalidEpcis: (errors.InvalidList, errors.InvalidInput, ValueError),
    errors.UnknownPartner: (errors.NotFound, LookupError),
    errors.DuplicatePartner: (errors.Conflict,),
    UnknownUser: (errors.NotFound, LookupError),
    UnknownToken: (errors.NotFound, LookupError),
    UnknownJob: (errors.NotFound, LookupError),
    DuplicateUser: (errors.Conflict,),
    errors.NotFound: (LotlineError, LookupError),
    errors.UnknownProduct: (errors.NotFound, LookupError),
    errors.UnknownLocation: (errors.NotFound, LookupError),
    errors.UnknownLot: (errors.NotFound, LookupError),
    errors.UnknownOperation: (errors.NotFound, LookupError),
    errors.UnknownCount: (errors.NotFound, LookupError),
    errors.UnknownUser: (errors.NotFound, LookupError),
    errors.UnknownToken: (errors.NotFound, LookupError),
    errors.UnknownJob: (errors.NotFound, LookupError),
    errors.DuplicateUser: (errors.Conflict,),
    errors.Conflict: (LotlineError,),
    errors.DuplicateProduct: (errors.Conflict,),
    errors.DuplicateLocation: (errors.Conflict,),
    errors.DuplicateLot: (errors.Conflict,),
    errors.SerialAlreadyInStock: (errors.Conflict,),
    errors.InsufficientStock: (errors.Conflict,),
    errors.SettingRequired: (errors.Conflict,),
    errors.InvalidState: (errors.Conflict,),
    errors.OutdatedCount: (errors.Conflict,),
    errors.PartialTransfer: (errors.Conflict,),
    errors.SerialsRequired: (LotlineError,),
    errors.DatabaseError: (LotlineError,),
    errors.DatabaseUnavailable: (errors.DatabaseError,),
    errors.ConcurrentUpdate: (errors.DatabaseError,),
    errors.DatabaseNotFound: (errors.DatabaseUnavailable, errors.DatabaseError),
    errors.DatabaseBusy: (errors.DatabaseError,),
    errors.DatabaseReadOnly: (errors.DatabaseError,),
}

# The HTTP status of each family, most specific first (docs/errors.md).
STATUS_BY_FAMILY: tuple[tuple[type[LotlineError], int], ...] = (
    (errors.InvalidInput, 422),
    (errors.SerialsRequired, 422),
    (errors.NotFound, 404),
    (errors.Conflict, 409),
    (errors.DatabaseError, 503),
    (LotlineError, 400),
)


def documented_codes() -> dict[str, tuple[str, int]]:
    """code -> (class name, HTTP status) from the table under "## Codes"."""
    section = DOC.read_text(encoding="utf-8").split("## Codes", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, tuple[str, int]] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not cells[0].startswith("`"):
            continue
        code = cells[0].strip("`")
        class_name = re.match(r"`(\w+)`", cells[1])
        assert class_name, line
        assert code not in rows, f"{code} is documented twice"
        rows[code] = (class_name.group(1), int(cells[4]))
    return rows


def test_every_class_declares_its_own_code() -> None:
    missing = [cls.__name__ for cls in CLASSES if "code" not in vars(cls)]
    assert missing == []


def test_codes_are_unique_and_snake_case() -> None:
    codes = [cls.code for cls in CLASSES]
    assert len(codes) == len(set(codes))
    assert [code for code in codes if not SNAKE_CASE.fullmatch(code)] == []


def test_every_code_is_in_the_documentation_table_with_its_class() -> None:
    documented = documented_codes()
    assert {cls.code: cls.__name__ for cls in CLASSES} == {
        code: class_name for code, (class_name, _) in documented.items()
    }


def test_the_documentation_lists_no_code_that_does_not_exist() -> None:
    codes = {cls.code for cls in CLASSES}
    assert sorted(set(documented_codes()) - codes) == []


def test_documented_http_status_follows_the_family() -> None:
    documented = documented_codes()
    for cls in CLASSES:
        expected = next(status for family, status in STATUS_BY_FAMILY if issubclass(cls, family))
        assert documented[cls.code][1] == expected, cls.__name__


def test_every_class_keeps_its_bases() -> None:
    assert set(BASES) == set(CLASSES)
    for cls, bases in BASES.items():
        error = cls("x", first="S1", count=2) if cls is errors.SerialsRequired else None
        if issubclass(cls, errors.InvalidList):
            error = cls(["line 1: bad"])
        error = error or cls("x")
        for base in bases:
            assert isinstance(error, base), f"{cls.__name__} is no longer a {base.__name__}"
    assert isinstance(errors.UnknownProduct("x"), LookupError)


def test_details_carry_decimals_as_exact_strings() -> None:
    error = errors.InsufficientStock(
        "x",
        details={
            "product": "WOOD",
            "quantity": Decimal("2.500"),
            "available": Decimal("1E+2"),
            "lots": [Decimal("0.000001"), "L1"],
        },
    )
    assert error.details == {
        "product": "WOOD",
        "quantity": "2.5",
        "available": "100",
        "lots": ["0.000001", "L1"],
    }


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=6, allow_nan=False))
def test_a_decimal_in_details_reads_back_to_the_same_quantity(value: Decimal) -> None:
    shown = LotlineError("x", details={"quantity": value}).details["quantity"]
    assert isinstance(shown, str)
    assert "E" not in shown.upper()
    assert Decimal(shown) == value


def test_invalid_list_keeps_its_problems_in_the_message_and_details() -> None:
    error = errors.InvalidList(["line 2: bad", "line 5: repeated"], details={"file": "a.csv"})
    assert error.problems == ["line 2: bad", "line 5: repeated"]
    assert error.details == {"problems": error.problems, "file": "a.csv"}
    assert "2 problems" in str(error) and "  - line 5: repeated" in str(error)


def test_serials_required_keeps_the_batch_proposal() -> None:
    error = errors.SerialsRequired("x", first="SN0001", count=3, details={"product": "CHAIR"})
    assert (error.first, error.count) == ("SN0001", 3)
    assert error.details == {"first": "SN0001", "count": 3, "product": "CHAIR"}


# --- wording: messages name no command and no library call ---------------------------

SCANNED = ("lotline/services", "lotline/rules", "lotline/store")
SERVICES = (
    Adjustments,
    Catalog,
    Locations,
    LotsService,
    Manufacturing,
    SettingsService,
    StockService,
    Trace,
    Transfers,
)
# Facade methods whose name is no plain word (set_lots, produce_all, ...).
FACADE_NAMES = sorted(
    {name for service in SERVICES for name in vars(service) if "_" in name.strip("_")}
    - {name for name in dir(object)}
)
FORBIDDEN = (
    re.compile(r"`lotline\b[^`]*`?"),
    re.compile(r"\blotline [a-z][a-z-]*"),
    re.compile(r"\bapp\.[\w.]+(\(\))?"),
    re.compile(rf"\b({'|'.join(FACADE_NAMES)})\b"),
    re.compile(r"\b[a-z]+_[a-z_]+\("),
    re.compile(r"\b\w+=(True|False|None)\b"),
)
ERROR_NAMES = {cls.__name__ for cls in CLASSES}


def _texts(node: ast.AST) -> list[str]:
    """The literal text of a message: string constants and f-string parts."""
    return [
        sub.value
        for sub in ast.walk(node)
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str)
    ]


def _messages(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, text) of every message given to an error class in ``tree``."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in ERROR_NAMES:
            continue
        for argument in [*node.args, *(k.value for k in node.keywords if k.arg != "details")]:
            found.extend((node.lineno, text) for text in _texts(argument))
    return found


def wording_problems(files: list[Path]) -> list[str]:
    """ "file:line: what it names, in the message" for each message naming a command or call."""
    problems = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
        for line, text in _messages(tree):
            named = [found.group(0) for pattern in FORBIDDEN for found in pattern.finditer(text)]
            if named:
                problems.append(f"{where}:{line}: names {', '.join(named)} in {text!r}")
    return problems


def test_the_wording_check_catches_commands_and_library_calls(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "raise UnknownLot('see `lotline lots list`')\n"
        "raise InvalidInput(f'run lotline adjust {x} first')\n"
        "return OutdatedCount('apply with force=True')\n"
        "raise InvalidState('call app.stock.untracked()')\n"
        "raise MissingLot('fix the lots with set_lots first')\n"
        "raise InvalidInput('see read_serials_file(path)')\n"
        "raise InvalidInput('The lot name is empty.')\n"
        "print('lotline lots list')\n",
        encoding="utf-8",
    )
    problems = [p.split(": ", 1)[1] for p in wording_problems([sample])]
    assert len(problems) == 6, problems
    assert not any("empty" in p for p in problems)


@pytest.mark.parametrize("folder", SCANNED)
def test_messages_name_no_command_and_no_library_call(folder: str) -> None:
    problems = wording_problems(sorted((ROOT / folder).rglob("*.py")))
    assert problems == [], "\n".join(problems)
