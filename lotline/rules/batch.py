"""The Batch Production window: serial numbers for the units of an order, given one way.

The serials come as a first serial and a count, as a list of names, or as the
text box, one line per unit: ``SERIAL[,LOTS_OF_COMPONENT_1[,...]]``, where a
component field is one lot, or ``lot;qty`` pairs separated by ``|``, for the
order's tracked components in BoM order. Every problem of a list is reported
at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from decimal import Decimal

from lotline.errors import InvalidInput, InvalidLotName, InvalidQuantity, describe_quantity
from lotline.models import Product
from lotline.rules.inputs import name_list, whole_number
from lotline.rules.naming import validate_lot_name
from lotline.rules.production import consumed_message
from lotline.rules.quantities import positive_quantity
from lotline.rules.text import plain_text

NamedLots = list[tuple[str, Decimal | None]]
"""Lot names of one component on one line, with their quantity (None: the unit's share)."""


@dataclass(slots=True)
class BatchLines:
    """What the operator gave: a serial per unit, the component lots per line, the problems."""

    serials: list[str] = field(default_factory=list)
    lots: list[dict[int, NamedLots]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SerialsGiven:
    """How the operator gave the serials: a first serial and/or a count, names, or the text
    box; nothing at all means the next available serials for every unit."""

    first: str | None = None
    count: int | None = None
    names: Sequence[str] | None = None
    text: str | None = None

    def __post_init__(self) -> None:
        if self.count is not None:
            whole_number(self.count, "number of serial numbers", minimum=1, error=InvalidQuantity)
        if self.names is not None:
            object.__setattr__(self, "names", name_list(self.names, "serial numbers"))
        if self.text is not None:
            plain_text(self.text, "list of serial numbers")
        series = self.first is not None or self.count is not None
        if series + (self.names is not None) + (self.text is not None) > 1:
            raise InvalidInput(
                "Give the serial numbers one way: a first serial and a count, a list of "
                "names, or the text box.",
                details={"first": self.first, "count": self.count},
            )


def read_names(names: Sequence[str]) -> BatchLines:
    """A list of serial names, each checked."""
    read = BatchLines()
    for name in names:
        try:
            read.serials.append(validate_lot_name(name))
        except InvalidLotName as exc:
            read.problems.append(str(exc))
    return read


def parse_batch_text(text: str, tracked: Sequence[Product]) -> BatchLines:
    """The text box, line by line; blank lines are skipped and line numbers kept."""
    read = BatchLines()
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            _read_line(read, number, [f.strip() for f in line.split(",")], tracked)
    return read


def _read_line(
    read: BatchLines, number: int, fields: list[str], tracked: Sequence[Product]
) -> None:
    try:
        read.serials.append(validate_lot_name(fields[0]))
    except InvalidLotName as exc:
        read.problems.append(f"line {number}: {exc}")
        read.serials.append(fields[0])
    if len(fields) - 1 > len(tracked):
        codes = ", ".join(p.code for p in tracked) or "none"
        read.problems.append(
            f"line {number}: {len(fields) - 1} component field(s), but the BoM has "
            f"{len(tracked)} tracked component(s) ({codes})"
        )
    chosen: dict[int, NamedLots] = {}
    for product, text in zip(tracked, fields[1:], strict=False):
        if text:
            chosen[product.id] = _read_field(read, f"line {number}, component {product.code}", text)
    read.lots.append(chosen)


def _read_field(read: BatchLines, where: str, text: str) -> NamedLots:
    parts = [p.strip() for p in text.split("|") if p.strip()]
    pairs: NamedLots = []
    for part in parts:
        lot, _, amount = (p.strip() for p in part.partition(";"))
        try:
            if not amount and len(parts) > 1:
                raise InvalidQuantity(f"give a quantity for each of several lots ({lot};QTY)")
            qty = positive_quantity(amount, what=f"quantity of {lot}") if amount else None
            pairs.append((validate_lot_name(lot), qty))
        except (InvalidQuantity, InvalidLotName) as exc:
            read.problems.append(f"{where}: {exc}")
    return pairs


def serial_problems(serials: Sequence[str], planned: int, order: str) -> list[str]:
    """More serials than units, and serials given twice."""
    problems: list[str] = []
    if len(serials) > planned:
        problems.append(
            f"{len(serials)} serial numbers for {planned} units of {order}; "
            f"remove {len(serials) - planned}"
        )
    first_line: dict[str, int] = {}
    for number, name in enumerate(serials, start=1):
        if name in first_line:
            problems.append(f"{name} is given twice (lines {first_line[name]} and {number})")
        else:
            first_line[name] = number
    return problems


def distinct_serials(serials: Sequence[str]) -> list[str]:
    """The serials to create: each non-empty name once, in order."""
    return [name for name in dict.fromkeys(serials) if name]


def resolve_lots(
    product: Product,
    lines: Sequence[Mapping[int, NamedLots]],
    known: Mapping[str, int],
    consumed: Set[int],
    per_unit: Decimal,
) -> tuple[dict[int, list[tuple[int, Decimal]]], list[str]]:
    """One component's named lots per line -> (line index -> [(lot id, quantity)], problems).

    ``known``: the component's lots by name; ``consumed``: serials already consumed;
    a lot without a quantity is the unit's whole share ``per_unit``.
    """
    resolved: dict[int, list[tuple[int, Decimal]]] = {}
    problems: list[str] = []
    for index, line in enumerate(lines):
        pairs = line.get(product.id)
        if not pairs:
            continue
        where = f"line {index + 1}"
        chosen: list[tuple[int, Decimal]] = []
        for lot, qty in pairs:
            if lot not in known:
                problems.append(f"{where}: component {product.code} has no lot/serial {lot}")
            elif known[lot] in consumed:
                problems.append(f"{where}: {consumed_message(lot, product.code)}")
            else:
                chosen.append((known[lot], per_unit if qty is None else qty))
        given = sum((q for _, q in chosen), Decimal(0))
        if given > per_unit:
            problems.append(
                f"{where}: {describe_quantity(given)} of {product.code} given, one "
                f"unit needs {describe_quantity(per_unit)}"
            )
        resolved[index] = chosen
    return resolved, problems


def series_count(count: int | None, planned: int, order: str) -> tuple[int, list[str]]:
    """How many serials a first serial and a count give: ``count``, or every unit when
    None; more than the units is a problem (and is cut to the units)."""
    wanted = planned if count is None else count
    if wanted < 1:
        raise InvalidQuantity(
            f"The number of serial numbers must be 1 or more, not {count}.",
            details={"document": order, "count": count},
        )
    if wanted > planned:
        problem = f"{wanted} serial numbers for {planned} units of {order}; give at most {planned}"
        return planned, [problem]
    return wanted, []
