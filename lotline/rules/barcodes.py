"""What a scanner sends, read into a ``Scan``: GTIN, lot, serial, dates, quantity.

GS1 input is parsed with biip: element strings of GS1-128 / GS1 DataMatrix / GS1
QR codes (variable-length fields ended by the GS character ``\\x1d`` that scanners
send for FNC1), their human-readable form ``(01)...(10)...``, and GS1 Digital
Link URIs (``https://id.gs1.org/01/09506000134352/10/ABC123?17=201231``).

Input is read as GS1 when it looks like GS1:

- it starts with ``(``;
- it starts with a symbology identifier (``]C1``, ``]d2``, ``]Q3``, ...): a GS1
  symbology is parsed as GS1, an EAN/UPC one as a bare GTIN, any other one
  (``]C0``, ``]d1``, ``]Q1``, ...) as a Digital Link when it carries one,
  otherwise its text after the identifier is a typed name;
- it contains a GS separator;
- it is an http(s) URI with ``/01/`` in it;
- it starts with AI 01 or 02 and 14 digits and is longer than those 16
  characters (``0109506000134352`` followed by more element strings).

Anything else (``SN0001``, ``LOT-42``, a bare EAN-13 typed or scanned without a
symbology identifier) is a typed lot/serial name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from itertools import pairwise
from urllib.parse import parse_qsl, unquote, urlsplit

import biip
from biip import ParseConfig, ParseError
from biip.checksums import gs1_standard_check_digit
from biip.gs1_application_identifiers import GS1ApplicationIdentifier
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.gs1_element_strings import GS1ElementString
from biip.symbology import GS1Symbology, SymbologyIdentifier

from lotline.errors import InvalidBarcode, InvalidLotName
from lotline.models import Scan
from lotline.rules.naming import validate_lot_name
from lotline.rules.text import as_text, described

GS = "\x1d"
_CONFIG = ParseConfig(separator_chars=(GS,))
_SYMBOLOGY = re.compile(r"\][A-Za-z][0-9A-Za-z]")
_ELEMENT_STRING_START = re.compile(r"0[12][0-9]{14}")
_DIGITAL_LINK = re.compile(r"https?://\S*/01/", re.IGNORECASE)
_HRI_ELEMENT = re.compile(r"\(([0-9]+)\)([^(]*)")
_FIXED_COMPONENT = re.compile(r"[NX]([0-9]+)")
_DATE_AIS = frozenset({"11", "12", "13", "15", "16", "17"})
_AGAIN = "Scan it again, or type the lot/serial number."


def _looks_like_gs1(text: str) -> bool:
    """Whether ``text``, without symbology identifier, is GS1 rather than a typed name."""
    return (
        text.startswith("(")
        or GS in text
        or bool(_DIGITAL_LINK.match(text))
        or (len(text) > 16 and bool(_ELEMENT_STRING_START.match(text)))
    )


def parse_barcode(data: object) -> Scan:
    """Read a scan: a GS1 barcode into its fields, anything else as a typed name.

    A GS1 scan gives ``is_gs1=True`` with ``gtin`` (14 digits, from AI 01, else
    02), ``lot`` (10), ``serial`` (21), ``expiration_date`` (17),
    ``best_before_date`` (15), ``production_date`` (11) — a day 00 is the last
    day of the month — and ``quantity`` (30, else 37) as a Decimal. A typed name
    gives ``is_gs1=False`` with the trimmed name in both ``lot`` and ``serial``:
    the caller keeps the one its product's tracking uses.

    Raises InvalidBarcode for GS1 that is not valid (unknown AI, bad check digit,
    bad date, ...), saying which part is wrong, and InvalidLotName for a typed
    name that cannot be a lot/serial number. Both carry the scan in
    ``details["barcode"]``.
    """
    try:
        return _read(data)
    except (InvalidBarcode, InvalidLotName) as exc:
        exc.details.setdefault("barcode", as_text(data))
        raise


def _read(data: object) -> Scan:
    if not isinstance(data, str):
        raise InvalidBarcode(f"A scan is text, not {described(data)}. {_AGAIN}")
    text = data.strip()
    if not text:
        raise InvalidBarcode(f"The scan is empty. {_AGAIN}")
    symbology = _symbology(text)
    if symbology is None:
        if _looks_like_gs1(text):
            return _gs1_scan(data, text)
        return _typed(data, text)
    body = text[len(symbology.value) :].strip()
    if not body:
        raise InvalidBarcode(f"The scan {data!r} carries nothing after its symbology identifier.")
    if symbology.gs1_symbology in GS1Symbology.with_gs1_messages():
        return _gs1_scan(data, body)
    if symbology.gs1_symbology in GS1Symbology.with_gtin():
        return _gtin_scan(data, text, body)
    if _DIGITAL_LINK.match(body):
        return _gs1_scan(data, body)
    return _typed(data, body)


def _symbology(text: str) -> SymbologyIdentifier | None:
    if not text.startswith("]"):
        return None
    if not _SYMBOLOGY.match(text):
        raise InvalidBarcode(
            f"The scan {text!r} starts with ']' but not with a symbology identifier such as "
            f"]C1, ]d2 or ]Q3. {_AGAIN}"
        )
    try:
        return SymbologyIdentifier.extract(text)
    except ParseError:
        raise InvalidBarcode(
            f"The scan starts with the unknown symbology identifier {text[:3]!r}. {_AGAIN}"
        ) from None


def _typed(raw: str, text: str) -> Scan:
    name = validate_lot_name(text)
    return Scan(raw=raw, lot=name, serial=name, is_gs1=False)


def _gtin_scan(raw: str, text: str, body: str) -> Scan:
    result = biip.parse(text, config=_CONFIG)
    if result.gtin is None:
        raise InvalidBarcode(
            f"The product barcode {body!r} is not a valid GTIN: {result.gtin_error}",
            details={"gtin": body},
        )
    return Scan(raw=raw, gtin=result.gtin.as_gtin_14(), is_gs1=True)


def _gs1_scan(raw: str, body: str) -> Scan:
    if body.startswith("("):
        elements = _hri_elements(body)
    elif _DIGITAL_LINK.match(body):
        elements = _digital_link_elements(body)
    else:
        elements = _raw_elements(body)
    return _scan_from(raw, elements)


def _bad_value(ai: GS1ApplicationIdentifier, value: str) -> InvalidBarcode:
    details = {"ai": ai.ai, "value": value}
    if not value:
        return InvalidBarcode(f"{ai} has no value: {ai.description}. {_AGAIN}", details=details)
    if ai.ai in _DATE_AIS:
        return InvalidBarcode(
            f"{ai} {value}: not a valid date (YYMMDD, where DD 00 is the end of the month). "
            f"{_AGAIN}",
            details=details,
        )
    return InvalidBarcode(
        f"{ai} {value}: not a valid {ai.description} (GS1 format {ai.format}). {_AGAIN}",
        details=details,
    )


def _field(ai: GS1ApplicationIdentifier, rest: str) -> str:
    """The data of ``ai`` at the start of ``rest``, cut at its fixed length or at a GS."""
    data = rest.split(GS, 1)[0]
    if ai.separator_required:
        return data
    lengths = [_FIXED_COMPONENT.fullmatch(part) for part in ai.format.split("+")[1:]]
    if all(lengths):
        return data[: sum(int(found.group(1)) for found in lengths if found)]
    return data


def _raw_elements(body: str) -> list[GS1ElementString]:
    elements: list[GS1ElementString] = []
    rest = body.lstrip(GS)
    while rest:
        try:
            ai = GS1ApplicationIdentifier.extract(rest)
        except ParseError:
            raise InvalidBarcode(
                f"The barcode has no known GS1 application identifier at {rest[:8]!r} "
                f"(character {len(body) - len(rest) + 1}). {_AGAIN}"
            ) from None
        try:
            element = GS1ElementString.extract(rest, config=_CONFIG)
        except ParseError:
            raise _bad_value(ai, _field(ai, rest[len(ai) :])) from None
        elements.append(element)
        rest = rest[len(element) :].lstrip(GS)
    return elements


def _hri_elements(body: str) -> list[GS1ElementString]:
    text = "".join(body.split())
    parts = list(_HRI_ELEMENT.finditer(text))
    if not parts or "".join(part.group(0) for part in parts) != text:
        raise InvalidBarcode(
            f"The barcode text {body!r} is not of the form (AI)value(AI)value, "
            f"such as (01)09506000134352(10)ABC123. {_AGAIN}"
        )
    elements: list[GS1ElementString] = []
    for part in parts:
        number, value = part.group(1), part.group(2)
        try:
            ai = GS1ApplicationIdentifier.extract(number)
        except ParseError:
            ai = None
        if ai is None or ai.ai != number:
            raise InvalidBarcode(
                f"({number}) is not a known GS1 application identifier. {_AGAIN}",
                details={"ai": number},
            )
        try:
            elements.append(GS1ElementString.parse(number + value, config=_CONFIG))
        except ParseError:
            raise _bad_value(ai, value) from None
    return elements


def _digital_link_elements(uri: str) -> list[GS1ElementString]:
    try:
        return list(GS1DigitalLinkURI.parse(uri, config=_CONFIG).element_strings)
    except ParseError as exc:
        _check_link_values(uri)
        raise InvalidBarcode(f"The GS1 Digital Link {uri!r} is not valid: {exc} {_AGAIN}") from None


def _check_link_values(uri: str) -> None:
    """Raise the problem of the first bad AI value of a Digital Link, if one is bad."""
    parts = urlsplit(uri)
    segments = [unquote(segment) for segment in parts.path.split("/")]
    pairs = [*pairwise(segments), *parse_qsl(parts.query)]
    for code, value in pairs:
        if not code.isdecimal():
            continue
        try:
            ai = GS1ApplicationIdentifier.extract(code)
        except ParseError:
            continue
        if ai.ai != code:
            continue
        try:
            GS1ElementString.parse(code + value, config=_CONFIG)
        except ParseError:
            raise _bad_value(ai, value) from None


def _check_digit_problem(element: GS1ElementString, error: str) -> str:
    value = element.value
    if value.isdecimal() and len(value) > 1:
        expected = gs1_standard_check_digit(value[:-1])
        if str(expected) != value[-1]:
            return f"{element.ai} {value}: the check digit should be {expected}, not {value[-1]}"
    return f"{element.ai} {value}: {error}"


def _by_ai(elements: Iterable[GS1ElementString]) -> dict[str, GS1ElementString]:
    found: dict[str, GS1ElementString] = {}
    for element in elements:
        error = element.gtin_error or element.sscc_error or element.gln_error
        if error:
            raise InvalidBarcode(
                f"{_check_digit_problem(element, error)}. {_AGAIN}",
                details={"ai": element.ai.ai, "value": element.value},
            )
        code = element.ai.ai
        earlier = found.setdefault(code, element)
        if earlier.value != element.value:
            raise InvalidBarcode(
                f"{element.ai} appears twice with different values ({earlier.value} and "
                f"{element.value}). {_AGAIN}",
                details={"ai": code, "values": [earlier.value, element.value]},
            )
    return found


def _scan_from(raw: str, elements: list[GS1ElementString]) -> Scan:
    found = _by_ai(elements)

    def name(ai: str) -> str | None:
        element = found.get(ai)
        if element is None:
            return None
        try:
            return validate_lot_name(element.value)
        except InvalidLotName as exc:
            raise InvalidBarcode(
                f"{element.ai} {element.value!r}: {exc}",
                details={"ai": element.ai.ai, "value": element.value},
            ) from None

    def day(ai: str) -> date | None:
        element = found.get(ai)
        return element.date if element is not None else None

    trade_item = found.get("01") or found.get("02")
    count = found.get("30") or found.get("37")
    return Scan(
        raw=raw,
        gtin=trade_item.gtin.as_gtin_14() if trade_item and trade_item.gtin else None,
        lot=name("10"),
        serial=name("21"),
        expiration_date=day("17"),
        best_before_date=day("15"),
        production_date=day("11"),
        quantity=Decimal(int(count.value)) if count is not None else None,
        is_gs1=True,
    )
