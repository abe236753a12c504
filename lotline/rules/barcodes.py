"""What a scanner sends -> (gtin, lot, serial, dates, quantity), using biip.

Input is read as GS1 when it looks like GS1: it starts with "(" (human-readable
form), with a symbology identifier such as "]C1", "]d2" or "]Q3", contains a
GS (FNC1) separator, is a URI with "/01/", or is 16+ digits starting with
AI 01 or 02. Anything else is a typed lot/serial name; the caller decides from
the product's tracking whether it is a lot or a serial.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from biip import ParseError
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.gs1_element_strings import GS1ElementString
from biip.gs1_messages import GS1Message

from lotline.errors import InvalidBarcode
from lotline.models import Scan
from lotline.rules.naming import validate_lot_name

GS = "\x1d"
_SYMBOLOGY = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
_RAW_GS1 = re.compile(r"^0[12]\d{14}")


def looks_like_gs1(data: str) -> bool:
    """Whether ``data`` should be read as a GS1 barcode rather than a typed name."""
    text = data.strip()
    return (
        text.startswith("(")
        or bool(_SYMBOLOGY.match(text))
        or GS in text
        or ("://" in text and "/01/" in text)
        or bool(_RAW_GS1.match(text))
    )


def parse_barcode(data: str) -> Scan:
    """Read a GS1-128 / DataMatrix element string, an HRI string or a Digital Link URI."""
    if not isinstance(data, str) or not data.strip():
        raise InvalidBarcode("The scan is empty; scan the barcode again.")
    if not looks_like_gs1(data):
        name = validate_lot_name(data)
        return Scan(raw=data, lot=name, serial=name, is_gs1=False)
    text = _SYMBOLOGY.sub("", data.strip(), count=1)
    try:
        if "://" in text:
            elements = list(GS1DigitalLinkURI.parse(text).element_strings)
        elif text.startswith("("):
            elements = list(GS1Message.parse_hri(text).element_strings)
        else:
            elements = list(GS1Message.parse(text).element_strings)
    except ParseError as exc:
        raise InvalidBarcode(
            f"The barcode {data!r} is not valid GS1: {exc} Scan it again or type the number."
        ) from None
    return _scan_from(data, elements)


def _scan_from(raw: str, elements: list[GS1ElementString]) -> Scan:
    values: dict[str, GS1ElementString] = {e.ai.ai: e for e in elements}

    def text(ai: str) -> str | None:
        found = values.get(ai)
        return found.value if found is not None else None

    def day(ai: str) -> date | None:
        found = values.get(ai)
        return found.date if found is not None else None

    gtin = values.get("01") or values.get("02")
    if gtin is not None and gtin.gtin is None:
        problem = getattr(gtin, "gtin_error", None) or "the GTIN is not valid"
        raise InvalidBarcode(
            f"The barcode {raw!r} is not valid GS1: ({gtin.ai.ai}) {gtin.value}: {problem}"
        )
    lot, serial = text("10"), text("21")
    for what, value in (("lot (10)", lot), ("serial (21)", serial)):
        if value is not None:
            try:
                validate_lot_name(value)
            except Exception as exc:
                raise InvalidBarcode(f"The barcode's {what} {value!r} is unusable: {exc}") from None
    quantity: Decimal | None = None
    for ai in ("30", "37"):
        if ai in values:
            quantity = Decimal(int(values[ai].value))
    return Scan(
        raw=raw,
        gtin=gtin.gtin.as_gtin_14() if gtin is not None and gtin.gtin is not None else None,
        lot=lot,
        serial=serial,
        expiration_date=day("17"),
        best_before_date=day("15"),
        production_date=day("11"),
        quantity=quantity,
        is_gs1=True,
    )
