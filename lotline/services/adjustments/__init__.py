"""Inventory adjustments ("Update Quantity"), physical inventory counts, reverts, history.

Every change of stock made here is one done operation of kind "adjustment"
whose move lines go to or from "Virtual Locations/Inventory adjustment",
posted in bulk by the ledger.

Modules: ``levels`` (what is on hand at a quant and which targets the rules
allow), ``post`` (the adjustment document), ``update_quantity``,
``assign_lots``, ``counts`` and ``apply_counts`` (physical inventory),
``revert``, ``history``, and ``service``, the ``app.adjustments`` facade.
"""

from lotline.services.adjustments.service import Adjustments

__all__ = ["Adjustments"]
