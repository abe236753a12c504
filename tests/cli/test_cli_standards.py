"""The labels, export, import and partners commands, end to end on a SQLite file."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import lotline
from lotline.cli import app
from tests.standards_support import food_chain, schema_problems


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    with lotline.open(url, user="tester") as opened:
        food_chain(opened)
    return url


def lotline_cli(db: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--db", db, *args])
    return result.exit_code, result.output


def test_export_epcis_writes_a_valid_document(db: str, tmp_path: Path) -> None:
    target = tmp_path / "events.jsonld"
    code, out = lotline_cli(db, "export", "epcis", "--from", "2000-01-01", "-o", str(target))
    assert code == 0, out
    assert "Wrote 6 EPCIS events" in out
    assert schema_problems(json.loads(target.read_text())) == []
    code, out = lotline_cli(db, "export", "epcis", "--lot", "LT-1", "-o", str(target))
    assert "Wrote 2 EPCIS events" in out
    code, out = lotline_cli(db, "export", "epcis", "--to", "2000-01-01", "-o", str(target))
    assert "Wrote 0 EPCIS events" in out


def test_export_fsma204_as_xlsx_and_csv(db: str, tmp_path: Path) -> None:
    code, out = lotline_cli(db, "export", "fsma204", "-o", str(tmp_path / "f.xlsx"))
    assert code == 0 and "Wrote 5 rows" in out, out
    assert load_workbook(tmp_path / "f.xlsx").sheetnames == ["FSMA 204", "Explanations"]
    code, out = lotline_cli(db, "export", "fsma204", "--lot", "LT/2", "-o", str(tmp_path / "f.csv"))
    rows = list(csv.reader((tmp_path / "f.csv").open()))
    assert [r[0] for r in rows[1:]] == ["Receiving", "Transformation"]
    code, out = lotline_cli(db, "export", "fsma204", "-o", str(tmp_path / "f.txt"))
    assert code == 2 and ".xlsx or .csv" in out


def test_labels_as_pdf_and_zpl(db: str, tmp_path: Path) -> None:
    code, out = lotline_cli(
        db, "labels", "LETTUCE", "LT-1", "LT/2", "--pdf", str(tmp_path / "l.pdf")
    )
    assert code == 0, out
    assert (tmp_path / "l.pdf").read_bytes().startswith(b"%PDF")
    code, out = lotline_cli(db, "labels", "LETTUCE", "LT-1", "--zpl", str(tmp_path / "l.zpl"))
    assert (tmp_path / "l.zpl").read_text().count("^XA") == 1
    code, out = lotline_cli(db, "labels", "LETTUCE", "LT-1")
    assert code == 2 and "--pdf FILE or --zpl FILE" in out


def test_partners_and_one_step(db: str) -> None:
    code, out = lotline_cli(
        db, "partners", "add", "Depot", "--gln", "0614141000043", "--city", "Reno"
    )
    assert code == 0, out
    code, out = lotline_cli(db, "partners", "list")
    assert "Depot" in out and "0614141000043" in out and "Green Farms" in out
    code, out = lotline_cli(db, "partners", "add", "Bad", "--gln", "0614141000044")
    assert code == 2 and "should end in 3" in out
    code, out = lotline_cli(db, "lots", "one-step", "LETTUCE", "LT-1")
    assert "Green Farms" in out and "WH/IN/00001" in out and "WH/MO/00001" in out


def test_import_epcis_makes_a_draft_receipt(db: str, tmp_path: Path) -> None:
    shipped = tmp_path / "asn.jsonld"
    lotline_cli(db, "export", "epcis", "--lot", "SB-0000001", "-o", str(shipped))
    document = json.loads(shipped.read_text())
    document["epcisBody"]["eventList"] = [
        e for e in document["epcisBody"]["eventList"] if e.get("bizStep") == "shipping"
    ]
    document["epcisBody"]["eventList"][0]["sourceList"] = [
        {"type": "owning_party", "source": "https://id.gs1.org/417/0614141000029"}
    ]
    shipped.write_text(json.dumps(document))
    code, out = lotline_cli(db, "import", "epcis", str(shipped))
    assert code == 0, out
    assert "WH/IN/00002 is ready to validate on arrival (Green Farms)" in out
    assert "SALAD: 25 (1 lots/serials)" in out
    code, out = lotline_cli(db, "import", "epcis", str(tmp_path / "missing.jsonld"))
    assert code == 2 and "Cannot read" in out
