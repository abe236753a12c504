"""app.exports and app.imports: what lotline says in the supply chain's standards.

EPCIS 2.0 documents of the ledger (``services/epcis.py``), the FDA's FSMA 204
sortable spreadsheet (``services/fsma204.py``), one step back and one step
forward, and the capture of a supplier's EPCIS shipping events as a draft
receipt (``services/epcis_capture.py``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lotline.services import identifiers
from lotline.services.base import Service
from lotline.services.epcis import Scheme, export_epcis


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
