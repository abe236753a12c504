"""One exception hierarchy: every message says what was wrong and how to fix it.

Every refusal raised by lotline is a ``LotlineError``; nothing is written when
one is raised from a public call.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any


class LotlineError(Exception):
    """Base of every error lotline raises on purpose."""


# --- bad input --------------------------------------------------------------


class InvalidInput(LotlineError, ValueError):
    """A value given by the user cannot be used as it is."""


class InvalidQuantity(InvalidInput):
    """A quantity that is negative, not a number, or not allowed here."""


class InvalidLotName(InvalidInput):
    """A lot or serial number name that cannot be stored."""


class InvalidTracking(InvalidInput):
    """A tracking value other than none, lot or serial."""


class InvalidBarcode(InvalidInput):
    """A scanned barcode that looks like GS1 but is not valid GS1."""


class InvalidList(InvalidInput):
    """A pasted or imported list with one or more bad lines, all reported at once."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        header = f"The list has {count} problem{'s' if count != 1 else ''}; fix them and try again:"
        super().__init__("\n".join([header, *(f"  - {p}" for p in self.problems)]))


class MissingLot(InvalidInput):
    """A tracked product moved without a lot or serial number."""


# --- unknown things ---------------------------------------------------------


class NotFound(LotlineError, LookupError):
    """A product, location, lot or document that does not exist."""


class UnknownProduct(NotFound):
    pass


class UnknownLocation(NotFound):
    pass


class UnknownLot(NotFound):
    pass


class UnknownOperation(NotFound):
    pass


# --- refusals by the rules of stock ------------------------------------------


class Conflict(LotlineError):
    """The request contradicts what is already recorded."""


class DuplicateProduct(Conflict):
    pass


class DuplicateLocation(Conflict):
    pass


class DuplicateLot(Conflict):
    pass


class SerialAlreadyInStock(Conflict):
    """A serial number that would be on hand twice."""


class InsufficientStock(Conflict):
    """Taking more of a product, lot or serial than the source location holds."""


class SettingRequired(Conflict):
    """An action that needs a setting to be turned on first."""


class InvalidState(Conflict):
    """An action not allowed in the document's current state."""


class SerialsRequired(LotlineError):
    """A serial-tracked order of several units needs one serial per unit.

    Carries the proposal of the "Batch Production" window.
    """

    def __init__(self, message: str, *, first: str, count: int) -> None:
        super().__init__(message)
        self.first = first
        self.count = count


# --- the database -------------------------------------------------------------


class DatabaseError(LotlineError):
    """The database cannot be opened or refused a write."""


class DatabaseUnavailable(DatabaseError):
    pass


class ConcurrentUpdate(DatabaseError):
    """Another transaction changed the same stock at the same time; try again."""


def describe_quantity(value: Decimal | int | Any) -> str:
    """Format a quantity without trailing zeros, for messages."""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return str(value)


# --- inventory adjustments ------------------------------------------------------


class OutdatedCount(Conflict):
    """A counted quantity made before stock moved at the same place; count again or force."""


class UnknownCount(NotFound):
    """A count that is not pending (already applied or cleared)."""
