"""Pasted and imported lists of lots/serial numbers (Odoo's Import Serials/Lots)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from lotline.errors import InvalidInput, InvalidList
from lotline.files import read_serials_file
from lotline.rules.lists import parse_list, parse_rows


def problems_of(text: str, *, serial: bool = False) -> list[str]:
    with pytest.raises(InvalidList) as raised:
        parse_list(text, serial=serial)
    return raised.value.problems


def test_a_name_alone_is_one_unit_and_a_quantity_follows_a_separator() -> None:
    assert parse_list("abc;4\ndef\nghi,2.5\njkl\t3") == [
        ("abc", Decimal(4)),
        ("def", Decimal(1)),
        ("ghi", Decimal("2.5")),
        ("jkl", Decimal(3)),
    ]


def test_blank_lines_are_dropped_and_cells_trimmed() -> None:
    assert parse_list("\n  SN1  \n\n\t\r\n SN2 ;  3 \r\n\n") == [
        ("SN1", Decimal(1)),
        ("SN2", Decimal(3)),
    ]


def test_cells_pasted_from_a_spreadsheet_may_end_with_empty_cells() -> None:
    assert parse_list("LOT,A\t4\t\t\nLOT-B\t") == [("LOT,A", Decimal(4)), ("LOT-B", Decimal(1))]


def test_an_empty_quantity_cell_is_one_unit() -> None:
    assert parse_list("abc;") == [("abc", Decimal(1))]


def test_the_order_of_the_list_is_kept() -> None:
    names = [f"SN{i}" for i in (5, 1, 3, 2)]
    assert [name for name, _ in parse_list("\n".join(names))] == names


def test_every_problem_is_reported_at_once_with_its_line_number() -> None:
    problems = problems_of(
        "SN1\nSN2;x\n\nSN1\nSN\x013\nSN4;0\nSN5;-1\nSN6;1;2\n" + "X" * 129 + "\nSN2"
    )
    assert problems == [
        "line 2: The quantity 'x' is not a number; type digits such as 3 or 2.5.",
        "line 4: 'SN1' is repeated (first on line 1)",
        problems[2],
        "line 6: The quantity must be greater than zero, not '0'.",
        "line 7: The quantity must be greater than zero, not '-1'.",
        "line 8: it has 3 columns; give the name and at most its quantity "
        "(a tab, ';' or ',' between them).",
        problems[6],
    ]
    assert problems[2].startswith("line 5: ") and "control character U+0001" in problems[2]
    assert problems[6].startswith("line 9: ") and "the limit is 128" in problems[6]


def test_a_name_repeated_after_a_bad_quantity_counts_from_its_first_good_line() -> None:
    assert problems_of("A;x\nA\nA") == [
        "line 1: The quantity 'x' is not a number; type digits such as 3 or 2.5.",
        "line 3: 'A' is repeated (first on line 2)",
    ]


def test_the_error_message_lists_every_problem() -> None:
    with pytest.raises(InvalidList) as raised:
        parse_list("A\nA\nB;0")
    message = str(raised.value)
    assert message.startswith("The list has 2 problems")
    assert "line 2: 'A' is repeated (first on line 1)" in message
    assert "line 3: " in message


def test_a_serial_number_is_one_unit() -> None:
    assert parse_list("SN1\nSN2;1\nSN3;1.000", serial=True) == [
        ("SN1", Decimal(1)),
        ("SN2", Decimal(1)),
        ("SN3", Decimal(1)),
    ]
    assert problems_of("SN1;2\nSN2;0.5", serial=True) == [
        "line 1: 'SN1' is a serial number, one unit, not 2; "
        "give each serial number on its own line.",
        "line 2: 'SN2' is a serial number, one unit, not 0.5; "
        "give each serial number on its own line.",
    ]


def test_a_lot_quantity_may_be_a_fraction() -> None:
    assert parse_list("OAK-1;0.25") == [("OAK-1", Decimal("0.25"))]


def test_an_empty_list_is_refused() -> None:
    with pytest.raises(InvalidInput, match="empty"):
        parse_list("\n  \n")


def test_a_list_that_is_not_text_is_refused() -> None:
    with pytest.raises(InvalidInput):
        parse_list(["SN1"])  # type: ignore[arg-type]


def test_rows_take_ints_decimals_and_exact_floats() -> None:
    rows: list[list[object]] = [
        ["A", 2],
        ["B", Decimal("1.5")],
        ["C", 0.1],
        ["D", None],
        [None, None],
        [12345, "3"],
        [7.0],
    ]
    assert parse_rows(rows) == [
        ("A", Decimal(2)),
        ("B", Decimal("1.5")),
        ("C", Decimal("0.1")),
        ("D", Decimal(1)),
        ("12345", Decimal(3)),
        ("7", Decimal(1)),
    ]


def test_rows_share_the_checks_of_pasted_lists() -> None:
    with pytest.raises(InvalidList) as raised:
        parse_rows([["A", 1], [None, 2], ["A", True], ["B", float("nan")], ["C", 1, "x"]])
    assert [p.split(":")[0] for p in raised.value.problems] == [
        "line 2",
        "line 3",
        "line 4",
        "line 5",
    ]


def test_a_csv_file_with_a_header_row_numbers_problems_by_file_row(tmp_path: Path) -> None:
    file = tmp_path / "lots.csv"
    file.write_text("Lot Name;Quantity\nA-1;10\nA-2;5\n", encoding="utf-8")
    assert read_serials_file(file) == [("A-1", Decimal(10)), ("A-2", Decimal(5))]
    file.write_text("name,quantity\nA-1,10\nA-1,5\n", encoding="utf-8")
    with pytest.raises(InvalidList, match=r"line 3: 'A-1' is repeated \(first on line 2\)"):
        read_serials_file(file)


def test_a_csv_file_without_a_header_keeps_its_first_row(tmp_path: Path) -> None:
    file = tmp_path / "serials.csv"
    file.write_text("\ufeffSN1\nSN2\n\nSN3\n", encoding="utf-8")
    assert [name for name, _ in read_serials_file(file, serial=True)] == ["SN1", "SN2", "SN3"]


def test_a_csv_first_row_with_a_number_is_data_even_if_named_like_a_header(
    tmp_path: Path,
) -> None:
    file = tmp_path / "lots.csv"
    file.write_text("lot,3\nother,2\n", encoding="utf-8")
    assert read_serials_file(file) == [("lot", Decimal(3)), ("other", Decimal(2))]


def test_a_csv_with_quoted_names_and_tabs(tmp_path: Path) -> None:
    file = tmp_path / "lots.csv"
    file.write_text('"LOT,1"\t4\n"LOT,2"\t6\n', encoding="utf-8")
    assert read_serials_file(file) == [("LOT,1", Decimal(4)), ("LOT,2", Decimal(6))]


def test_an_xlsx_file_of_serials_with_a_header(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Serial Number"])
    for i in range(1, 4):
        sheet.append([f"SN{i:04d}"])
    file = tmp_path / "serials.xlsx"
    book.save(file)
    assert read_serials_file(file, serial=True) == [
        ("SN0001", Decimal(1)),
        ("SN0002", Decimal(1)),
        ("SN0003", Decimal(1)),
    ]


def test_xlsx_numbers_stay_exact_and_problems_name_the_sheet_row(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["lot", "quantity"])
    sheet.append(["LOT-1", 2.5])
    sheet.append(["LOT-2", 0.1])
    sheet.append([4711, 3])
    file = tmp_path / "lots.xlsx"
    book.save(file)
    assert read_serials_file(file) == [
        ("LOT-1", Decimal("2.5")),
        ("LOT-2", Decimal("0.1")),
        ("4711", Decimal(3)),
    ]
    sheet.append(["LOT-3", -1.5])
    sheet.append(["LOT-1", 1])
    book.save(file)
    with pytest.raises(InvalidList) as raised:
        read_serials_file(file)
    assert raised.value.problems == [
        "line 5: The quantity must be greater than zero, not '-1.5'.",
        "line 6: 'LOT-1' is repeated (first on line 2)",
    ]


def test_another_extension_is_read_as_a_pasted_list(tmp_path: Path) -> None:
    file = tmp_path / "serials.txt"
    file.write_text("SN1\nSN2;1\n", encoding="utf-8")
    assert read_serials_file(file, serial=True) == [("SN1", Decimal(1)), ("SN2", Decimal(1))]


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="does not exist"):
        read_serials_file(tmp_path / "nope.csv")


def test_a_binary_file_or_broken_workbook_is_refused(tmp_path: Path) -> None:
    binary = tmp_path / "old.xls"
    binary.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\xff")
    with pytest.raises(InvalidInput, match="not UTF-8"):
        read_serials_file(binary)
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(InvalidInput, match="xlsx"):
        read_serials_file(broken)


def test_a_file_that_cannot_be_read_is_in_the_details(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    with pytest.raises(InvalidInput) as caught:
        read_serials_file(missing)
    assert caught.value.details == {"file": str(missing)}
