from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from lotline.errors import InvalidInput, InvalidList
from lotline.rules.lists import parse_list, read_serials_file


def test_one_entry_per_line_with_an_optional_quantity() -> None:
    text = "abc;4\n\n  def  \nghi,2.5\njkl\t3\n"
    assert parse_list(text) == [
        ("abc", Decimal(4)),
        ("def", Decimal(1)),
        ("ghi", Decimal("2.5")),
        ("jkl", Decimal(3)),
    ]


def test_every_problem_is_reported_at_once_with_its_line_number() -> None:
    with pytest.raises(InvalidList) as raised:
        parse_list("SN1\nSN2;x\nSN1\nSN\x013\nSN4;0", serial=True)
    problems = raised.value.problems
    assert len(problems) == 4
    assert problems[0].startswith("line 2:")
    assert "repeated (first on line 1)" in problems[1]
    assert problems[2].startswith("line 4:") and "control character" in problems[2]
    assert problems[3].startswith("line 5:")


def test_a_serial_quantity_must_be_one() -> None:
    with pytest.raises(InvalidList, match="one unit"):
        parse_list("SN1;2", serial=True)
    assert parse_list("SN1;1", serial=True) == [("SN1", Decimal(1))]


def test_an_empty_list_is_refused() -> None:
    with pytest.raises(InvalidInput, match="empty"):
        parse_list("\n  \n")


def test_csv_file_with_a_header(tmp_path: Path) -> None:
    file = tmp_path / "lots.csv"
    file.write_text("name;quantity\nA-1;10\nA-2;5\n", encoding="utf-8")
    assert read_serials_file(file) == [("A-1", Decimal(10)), ("A-2", Decimal(5))]


def test_xlsx_file_of_serials(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Serial"])
    for i in range(1, 4):
        sheet.append([f"SN{i:04d}"])
    file = tmp_path / "serials.xlsx"
    book.save(file)
    assert [n for n, _ in read_serials_file(file, serial=True)] == ["SN0001", "SN0002", "SN0003"]


def test_xlsx_numeric_quantities_stay_exact(tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(["LOT-1", 2.5])
    file = tmp_path / "lots.xlsx"
    book.save(file)
    assert read_serials_file(file) == [("LOT-1", Decimal("2.5"))]


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="does not exist"):
        read_serials_file(tmp_path / "nope.csv")
