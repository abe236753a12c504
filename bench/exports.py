"""FSMA 204 and EPCIS 2.0 exports of W(N)'s ledger, timed.

    python bench/exports.py --n 10000 [--db URL] [--validate]

Runs the standard workload W(N) (bench/workload.py) on a fresh database, then
times, on its whole ledger: the EPCIS export (the document, then its JSON-LD
text), the FSMA 204 rows, and the rows written as XLSX and CSV. --validate
also checks the EPCIS document against GS1's schema in ../shared/standards
(when present). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import lotline
from bench.workload import fresh_database, run_workload


def _timed(phases: dict[str, float], name: str, work: Any) -> Any:
    started = time.perf_counter()
    result = work()
    phases[name] = round(time.perf_counter() - started, 3)
    return result


def _validate(document_text: str) -> int:
    """Schema errors of the document (or -1 when the schema is not beside the clone)."""
    schema = Path(__file__).resolve().parents[2] / "shared" / "standards" / "EPCIS-JSON-Schema.json"
    if not schema.exists():
        return -1
    from jsonschema import Draft7Validator, FormatChecker

    validator = Draft7Validator(json.loads(schema.read_text()), format_checker=FormatChecker())
    return sum(1 for _ in validator.iter_errors(json.loads(document_text)))


def run(n: int, url: str | None, validate: bool) -> dict[str, Any]:
    with fresh_database(url) as database:
        workload = run_workload(n, database)
        phases: dict[str, float] = {}
        with lotline.open(database, user="bench") as app, tempfile.TemporaryDirectory() as out:
            document = _timed(phases, "epcis_document", app.exports.epcis)
            text = _timed(phases, "epcis_json", lambda: app.exports.epcis_json(document))
            rows = _timed(phases, "fsma204_rows", app.exports.fsma204)
            _timed(phases, "fsma204_xlsx", lambda: app.exports.fsma204_xlsx(rows, f"{out}/f.xlsx"))
            _timed(phases, "fsma204_csv", lambda: app.exports.fsma204_csv(rows))
            result: dict[str, Any] = {
                "N": n,
                "backend": database.split(":", 1)[0],
                "workload_ok": workload["checks_ok"],
                "epcis_events": len(document["epcisBody"]["eventList"]),
                "epcis_mib": round(len(text.encode()) / 2**20, 1),
                "fsma204_rows": len(rows),
                "phases_s": phases,
            }
            if validate:
                result["schema_errors"] = _timed(phases, "epcis_validate", lambda: _validate(text))
    phases["epcis_total"] = round(phases["epcis_document"] + phases["epcis_json"], 3)
    phases["fsma204_total_xlsx"] = round(phases["fsma204_rows"] + phases["fsma204_xlsx"], 3)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--db", default=None, help="PostgreSQL URL (default: a SQLite file)")
    parser.add_argument("--validate", action="store_true", help="check the schema too")
    args = parser.parse_args()
    print(json.dumps(run(args.n, args.db, args.validate)))


if __name__ == "__main__":
    main()
