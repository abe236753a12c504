"""One exception hierarchy with stable codes.

Every refusal raised by lotline is a ``LotlineError``; nothing is written when
one is raised from a public call. Each class has a stable machine-readable
``code`` (documented in docs/errors.md) and each error a ``details`` dict of
the things involved (product, lot, location, document, quantities). Messages
say what is wrong in the operator's words and name no command: each interface
adds its own hint for a code.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar


class LotlineError(Exception):
    """Base of every error lotline raises on purpose."""

    code: ClassVar[str] = "lotline_error"

    def __init__(self, message: str = "", *, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = {k: _plain(v) for k, v in (details or {}).items()}


def _plain(value: Any) -> Any:
    """A details value as JSON can carry it: Decimals become exact strings."""
    if isinstance(value, Decimal):
        return describe_quantity(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def error_classes() -> Iterator[type[LotlineError]]:
    """Every class of the hierarchy, the base first."""
    pending: list[type[LotlineError]] = [LotlineError]
    while pending:
        cls = pending.pop(0)
        yield cls
        pending.extend(cls.__subclasses__())


# --- bad input --------------------------------------------------------------


class InvalidInput(LotlineError, ValueError):
    """A value given by the user cannot be used as it is."""

    code = "invalid_input"


class InvalidQuantity(InvalidInput):
    """A quantity that is negative, not a number, or not allowed here."""

    code = "invalid_quantity"


class QuantityOutOfRange(InvalidQuantity):
    """A posting that would take a quant beyond what the database can hold."""

    code = "quantity_out_of_range"


class InvalidLotName(InvalidInput):
    """A lot or serial number name that cannot be stored."""

    code = "invalid_lot_name"


class InvalidTracking(InvalidInput):
    """A tracking value other than none, lot or serial."""

    code = "invalid_tracking"


class InvalidBarcode(InvalidInput):
    """A scanned barcode that looks like GS1 but is not valid GS1."""

    code = "invalid_barcode"


class InvalidList(InvalidInput):
    """A pasted or imported list with one or more bad lines, all reported at once."""

    code = "invalid_list"

    def __init__(
        self, problems: Sequence[str], *, details: Mapping[str, Any] | None = None
    ) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        header = f"The list has {count} problem{'s' if count != 1 else ''}; fix them and try again:"
        super().__init__(
            "\n".join([header, *(f"  - {p}" for p in self.problems)]),
            details={"problems": self.problems, **(details or {})},
        )


class InvalidIdentifier(InvalidInput):
    """A GS1 identifier (GTIN, GLN, company prefix length) that is not valid."""

    code = "invalid_identifier"


class InvalidEpcis(InvalidList):
    """An EPCIS document with events that cannot be mapped, all reported at once."""

    code = "invalid_epcis"


class MissingLot(InvalidInput):
    """A tracked product moved without a lot or serial number."""

    code = "lot_required"


# --- unknown things ---------------------------------------------------------


class NotFound(LotlineError, LookupError):
    """A product, location, lot or document that does not exist."""

    code = "not_found"


class UnknownProduct(NotFound):
    code = "unknown_product"


class UnknownLocation(NotFound):
    code = "unknown_location"


class UnknownLot(NotFound):
    code = "unknown_lot"


class UnknownOperation(NotFound):
    code = "unknown_document"


class UnknownPartner(NotFound):
    code = "unknown_partner"


# --- refusals by the rules of stock ------------------------------------------


class Conflict(LotlineError):
    """The request contradicts what is already recorded."""

    code = "conflict"


class DuplicateProduct(Conflict):
    code = "duplicate_product"


class DuplicateLocation(Conflict):
    code = "duplicate_location"


class DuplicateLot(Conflict):
    code = "duplicate_lot"


class DuplicatePartner(Conflict):
    """A partner with this name, or a partner or site with this GLN, already exists."""

    code = "duplicate_partner"


class SerialAlreadyInStock(Conflict):
    """A serial number that would be on hand twice."""

    code = "serial_already_in_stock"


class InsufficientStock(Conflict):
    """Taking more of a product, lot or serial than the source location holds."""

    code = "insufficient_stock"


class SettingRequired(Conflict):
    """An action that needs a setting to be turned on first."""

    code = "setting_required"


class InvalidState(Conflict):
    """An action not allowed in the document's current state."""

    code = "invalid_state"


class PartialTransfer(Conflict):
    """A transfer that can be done only in part, without a choice about the rest."""

    code = "partial_transfer"


class SerialsRequired(LotlineError):
    """A serial-tracked order of several units needs one serial per unit.

    Carries the proposal of the "Batch Production" window.
    """

    code = "serials_required"

    def __init__(
        self, message: str, *, first: str, count: int, details: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(message, details={"first": first, "count": count, **(details or {})})
        self.first = first
        self.count = count


# --- the database -------------------------------------------------------------


class DatabaseError(LotlineError):
    """The database cannot be opened or refused a write."""

    code = "database_error"


class DatabaseUnavailable(DatabaseError):
    code = "database_unavailable"


class DatabaseNotFound(DatabaseUnavailable):
    """No database where one was expected (a missing or empty file), and none was created."""

    code = "database_not_found"


class DatabaseBusy(DatabaseError):
    """Another program held the write lock for longer than the wait allowed."""

    code = "database_busy"


class DatabaseReadOnly(DatabaseError):
    """The database can be read but not written (file permissions, a read-only server)."""

    code = "database_read_only"


class ConcurrentUpdate(DatabaseError):
    """Another transaction changed the same stock at the same time; try again."""

    code = "concurrent_update"


def describe_quantity(value: Decimal | int | Any) -> str:
    """Format a quantity without trailing zeros, for messages."""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return str(value)


# --- inventory adjustments ------------------------------------------------------


class OutdatedCount(Conflict):
    """A counted quantity made before stock moved at the same place; count again or force."""

    code = "outdated_count"


class UnknownCount(NotFound):
    """A count that is not pending (already applied or cleared)."""

    code = "unknown_count"


# --- users, tokens and jobs of the server ------------------------------------------


class UnknownUser(NotFound):
    """A user name that does not exist."""

    code = "unknown_user"


class UnknownToken(NotFound):
    """An API token id that does not exist."""

    code = "unknown_token"


class DuplicateUser(Conflict):
    """A user name that is already taken."""

    code = "duplicate_user"


class UnknownJob(NotFound):
    """A background job id that does not exist (or belongs to another user)."""

    code = "unknown_job"
