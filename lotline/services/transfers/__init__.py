"""Receipts, deliveries and internal transfers with lots and serial numbers.

A document has demanded lines (``moves``) and detailed lines (``move_details``:
the lot or serial and the quantity). Outgoing documents reserve their details
on the quants; only ``validate`` posts to the ledger. Every step works in bulk:
the number of statements depends on the number of distinct products, never on
the number of lots or serials.

Modules: ``lines`` reads the caller's lines, ``document`` loads and locks a
document, ``create`` writes new ones, ``reserve`` holds stock, ``change_lots``
replaces a product's lots, ``validate`` posts and back-orders, ``cancel``,
``returns``, ``listing``, and ``service`` is the ``app.transfers`` facade.
"""

from lotline.services.transfers.lines import LineInput, LotsInput, parse_details, scanned
from lotline.services.transfers.service import Transfers

__all__ = ["LineInput", "LotsInput", "Transfers", "parse_details", "scanned"]
