"""app.exports and app.imports: what lotline says in the supply chain's standards.

EPCIS 2.0 documents of the ledger (``services/epcis.py``), the FDA's FSMA 204
sortable spreadsheet (``services/fsma204.py``), one step back and one step
forward, and the capture of a supplier's EPCIS shipping events as a draft
receipt (``services/epcis_capture.py``).
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from lotline.models import OneStep, Operation
from lotline.services import fsma204_files, identifiers
from lotline.services.base import Service
from lotline.services.epcis import Scheme, export_epcis, to_json
from lotline.services.epcis_capture import capture
from lotline.services.fsma204 import Fsma204Row, fsma204_rows, one_step
from lotline.services.locations import STOCK, LocationRef


class Exports(Service):
    """app.exports: EPCIS events and FSMA 204 records of what the ledger did."""

    def epcis(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        product: str | None = None,
        lot: str | None = None,
        *,
        identifiers: Scheme = "digital_link",
        company_prefix_length: int | None = None,
    ) -> dict[str, Any]:
        """An EPCISDocument (JSON-LD as a dict) of the documents done in [start, end)."""
        return self._run(
            lambda conn: export_epcis(
                conn,
                start,
                end,
                product,
                lot,
                identifiers=identifiers,
                prefix_length=company_prefix_length,
            )
        )

    def set_company_prefix_length(self, length: int | None) -> None:
        """The length of the GS1 company prefix in our GTINs and GLNs (for EPC URIs)."""
        self._run(lambda conn: identifiers.set_company_prefix_length(conn, length))

    @staticmethod
    def epcis_json(document: dict[str, Any]) -> str:
        """An exported EPCISDocument as JSON-LD text."""
        return to_json(document)

    def fsma204(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        products: Sequence[str] | None = None,
        lots: Sequence[str] | None = None,
    ) -> builtins.list[Fsma204Row]:
        """The FSMA 204 sortable spreadsheet's rows of [start, end): receiving, shipping and
        transformation events of tracked products, with their key data elements."""
        return self._run(lambda conn: fsma204_rows(conn, start, end, products, lots))

    @staticmethod
    def fsma204_csv(rows: Sequence[Fsma204Row]) -> str:
        """The rows as CSV text."""
        return fsma204_files.to_csv(rows)

    @staticmethod
    def fsma204_xlsx(rows: Sequence[Fsma204Row], path: str | Path) -> Path:
        """The rows as an XLSX workbook with a sheet explaining the columns."""
        return fsma204_files.to_xlsx(rows, path)

    def one_step(self, product: str, lot: str) -> OneStep:
        """One step back and one step forward of a lot or serial: its immediate suppliers
        and customers, with documents, dates and quantities."""
        return self._run(lambda conn: one_step(conn, product, lot))


class Imports(Service):
    """app.imports: what partners send in the standards' formats."""

    def epcis(self, document: Any, destination: LocationRef = STOCK) -> Operation:
        """A supplier's EPCIS shipping events (a dict, or JSON text) as a draft receipt, ready
        to validate on arrival; every event that cannot be mapped is reported at once."""
        return self._run(lambda conn: capture(conn, self.user, document, destination))
