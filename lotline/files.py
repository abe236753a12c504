"""Reading lists of lots and serial numbers from files: .csv, .xlsx or plain text.

The file is read here; what its rows mean is the pure rule of ``rules.lists``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lotline.errors import InvalidInput
from lotline.rules.lists import Entry, parse_csv, parse_list, parse_sheet


def read_serials_file(path: str | Path, *, serial: bool = False) -> list[Entry]:
    """(name, quantity) pairs from a file: .csv, .xlsx (first sheet) or plain text.

    Any extension other than .csv and .xlsx is read as UTF-8 text like a pasted
    list. Raises InvalidInput when the file cannot be read, InvalidList for bad rows.
    """
    file = Path(path)
    suffix = file.suffix.lower()
    try:
        if suffix == ".xlsx":
            return parse_sheet(_xlsx_rows(file), serial=serial)
        content = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise _unreadable(
            file, "is not UTF-8 text; save it as .csv (UTF-8), .xlsx or .txt"
        ) from None
    except FileNotFoundError:
        raise _unreadable(file, "does not exist; check the path") from None
    except OSError as exc:
        raise _unreadable(file, f"cannot be read: {exc.strerror or exc}; check the path") from None
    if suffix == ".csv":
        return parse_csv(content, serial=serial)
    return parse_list(content, serial=serial)


def _unreadable(file: Path, why: str) -> InvalidInput:
    return InvalidInput(f"The file {str(file)!r} {why}.", details={"file": str(file)})


def _xlsx_rows(file: Path) -> list[list[object]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
        raise _unreadable(
            file,
            f"is not a readable .xlsx workbook ({exc}); save it again from the spreadsheet "
            "as .xlsx or .csv",
        ) from None
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
