"""GS1 identifiers written by lotline: check digits, character set 82, Digital Link, EPC URIs.

Reading scans is ``rules/barcodes.py``; this module builds what lotline gives out:

- GTIN and GLN check digits (the GS1 modulo-10 algorithm);
- lot and serial names a GS1 barcode can carry (at most 20 characters of
  GS1 character set 82);
- canonical GS1 Digital Link URIs (``https://id.gs1.org/01/<GTIN-14>/10/<lot>``),
  every character outside RFC 3986's unreserved set percent-encoded;
- EPC pure-identity URIs of the Tag Data Standard (SGTIN, LGTIN, SGLN, PGLN),
  which need the length of the GS1 company prefix inside the GTIN or GLN;
- GS1 element strings for a DataMatrix, with their human-readable text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from lotline.errors import InvalidIdentifier, InvalidLotName
from lotline.rules.text import as_text, described

DIGITAL_LINK_BASE = "https://id.gs1.org"
MAX_GS1_NAME = 20
CSET_82 = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Tag Data Standard: characters of CSET 82 an EPC URI carries percent-encoded
_EPC_ESCAPED = frozenset('"%&/<>?')
_DIGITS = re.compile(r"[0-9]+")
GTIN_LENGTHS = (8, 12, 13, 14)


def check_digit(body: str) -> int:
    """The GS1 check digit of ``body`` (the digits before it): weights 3,1,3,... from the right."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def _digits(value: object, what: str, lengths: tuple[int, ...]) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not _DIGITS.fullmatch(text) or len(text) not in lengths:
        sizes = ", ".join(str(n) for n in lengths[:-1]) + f" or {lengths[-1]}"
        if len(lengths) == 1:
            sizes = str(lengths[0])
        raise InvalidIdentifier(
            f"A {what} is {sizes} digits, not {value!r}.",
            details={"field": what.lower(), "value": str(value)},
        )
    expected = check_digit(text[:-1])
    if int(text[-1]) != expected:
        raise InvalidIdentifier(
            f"The {what} {text} has a wrong check digit: it should end in {expected}, "
            f"not {text[-1]}.",
            details={"field": what.lower(), "value": text, "expected_check_digit": expected},
        )
    return text


def gtin14(value: object) -> str:
    """A GTIN-8, -12, -13 or -14 as its 14 digits, its check digit verified."""
    return _digits(value, "GTIN", GTIN_LENGTHS).zfill(14)


def gln(value: object) -> str:
    """A Global Location Number (13 digits), its check digit verified."""
    return _digits(value, "GLN", (13,))


def gs1_name(name: str, kind: str = "lot/serial number") -> str:
    """``name`` when a GS1 barcode can carry it (AI 10 or 21): at most 20 characters of
    GS1 character set 82; otherwise InvalidLotName naming the first bad character."""
    if len(name) > MAX_GS1_NAME:
        raise InvalidLotName(
            f"The {kind} {name!r} has {len(name)} characters; a product with a GTIN takes "
            f"at most {MAX_GS1_NAME}, the most a GS1 barcode carries.",
            details={"lot": name, "limit": MAX_GS1_NAME},
        )
    for position, char in enumerate(name, start=1):
        if char not in CSET_82:
            shown = repr(char) if char.isprintable() and char != " " else f"U+{ord(char):04X}"
            shown = "a space" if char == " " else shown
            raise InvalidLotName(
                f"The {kind} {name!r} has {shown} at character {position}, which a GS1 "
                "barcode cannot carry: use letters A-Z a-z, digits and !\"%&'()*+,-./:;<=>?_ only.",
                details={"lot": name, "character": char, "position": position},
            )
    return name


def percent_encode(value: str) -> str:
    """``value`` with every character outside RFC 3986's unreserved set as %XX (UTF-8)."""
    return "".join(
        char if char in _UNRESERVED else "".join(f"%{b:02X}" for b in char.encode())
        for char in value
    )


def digital_link(
    gtin: str,
    lot: str | None = None,
    serial: str | None = None,
    *,
    base: str = DIGITAL_LINK_BASE,
) -> str:
    """The canonical GS1 Digital Link URI of a trade item, its lot and serial (in GS1's order)."""
    parts = [base.rstrip("/"), "01", gtin14(gtin)]
    if lot is not None:
        parts += ["10", percent_encode(lot)]
    if serial is not None:
        parts += ["21", percent_encode(serial)]
    return "/".join(parts)


def location_link(gln_value: str, *, party: bool = False, base: str = DIGITAL_LINK_BASE) -> str:
    """The Digital Link of a GLN: a physical location (AI 414) or a party (AI 417)."""
    return f"{base.rstrip('/')}/{'417' if party else '414'}/{gln(gln_value)}"


def epc_escape(value: str) -> str:
    """A CSET 82 name as an EPC URI carries it."""
    return "".join(f"%{ord(c):02X}" if c in _EPC_ESCAPED else c for c in value)


def check_prefix_length(length: object) -> int:
    """A GS1 company prefix length (6 to 12 digits)."""
    if not isinstance(length, int) or isinstance(length, bool) or not 6 <= length <= 12:
        raise InvalidIdentifier(
            f"A GS1 company prefix has 6 to 12 digits, not {described(length)}.",
            details={"field": "company_prefix_length", "value": as_text(length)},
        )
    return length


def _gtin_parts(gtin: str, prefix_length: int) -> tuple[str, str]:
    """(company prefix, indicator digit + item reference) of a GTIN-14."""
    digits = gtin14(gtin)
    length = check_prefix_length(prefix_length)
    return digits[1 : 1 + length], digits[0] + digits[1 + length : 13]


def sgtin_uri(gtin: str, serial: str, prefix_length: int) -> str:
    """``urn:epc:id:sgtin:CompanyPrefix.IndicatorItemRef.Serial``."""
    prefix, item = _gtin_parts(gtin, prefix_length)
    return f"urn:epc:id:sgtin:{prefix}.{item}.{epc_escape(gs1_name(serial, 'serial number'))}"


def lgtin_uri(gtin: str, lot: str, prefix_length: int) -> str:
    """``urn:epc:class:lgtin:CompanyPrefix.IndicatorItemRef.Lot``: the class of a lot."""
    prefix, item = _gtin_parts(gtin, prefix_length)
    return f"urn:epc:class:lgtin:{prefix}.{item}.{epc_escape(gs1_name(lot, 'lot'))}"


def gtin_class_uri(gtin: str, prefix_length: int) -> str:
    """``urn:epc:idpat:sgtin:CompanyPrefix.IndicatorItemRef.*``: every item of a GTIN."""
    prefix, item = _gtin_parts(gtin, prefix_length)
    return f"urn:epc:idpat:sgtin:{prefix}.{item}.*"


def sgln_uri(gln_value: str, prefix_length: int, extension: str = "0") -> str:
    """``urn:epc:id:sgln:CompanyPrefix.LocationRef.Extension`` (extension 0: none)."""
    digits = gln(gln_value)
    length = check_prefix_length(prefix_length)
    return f"urn:epc:id:sgln:{digits[:length]}.{digits[length:12]}.{epc_escape(extension)}"


def pgln_uri(gln_value: str, prefix_length: int) -> str:
    """``urn:epc:id:pgln:CompanyPrefix.PartyRef``: a party."""
    digits = gln(gln_value)
    length = check_prefix_length(prefix_length)
    return f"urn:epc:id:pgln:{digits[:length]}.{digits[length:12]}"


FNC1 = "\x1d"


@dataclass(frozen=True, slots=True)
class ElementString:
    """What a GS1 DataMatrix of one lot or serial carries.

    ``bracketed``: the zint input ``[01]...[17]...[10]...``; ``text``: the
    human-readable ``(01)...(17)...(10)...``; ``raw``: the data as a decoder
    reports it (the GS separator after a variable-length field that is not last).
    """

    bracketed: str
    text: str
    raw: str


def element_string(
    gtin: str, lot: str | None = None, serial: str | None = None, expiry: date | None = None
) -> ElementString:
    """GTIN (01), expiry (17), lot (10) and serial (21): fixed-length fields first, so a
    separator is needed only between the lot and the serial."""
    fields = [("01", gtin14(gtin))]
    if expiry is not None:
        fields.append(("17", expiry.strftime("%y%m%d")))
    if lot is not None:
        fields.append(("10", gs1_name(lot, "lot")))
    if serial is not None:
        fields.append(("21", gs1_name(serial, "serial number")))
    raw = ""
    for index, (ai, value) in enumerate(fields):
        raw += ai + value
        if ai in ("10", "21") and index < len(fields) - 1:
            raw += FNC1
    return ElementString(
        bracketed="".join(f"[{ai}]{value}" for ai, value in fields),
        text="".join(f"({ai}){value}" for ai, value in fields),
        raw=raw,
    )


# UN/ECE Recommendation 20 codes of the units products are kept in; a unit not here
# (pieces, units, each) is a count, which EPCIS writes without a unit of measure.
UNECE_UNITS = {
    "m": "MTR",
    "meter": "MTR",
    "metre": "MTR",
    "cm": "CMT",
    "mm": "MMT",
    "km": "KMT",
    "m2": "MTK",
    "m²": "MTK",
    "m3": "MTQ",
    "m³": "MTQ",
    "kg": "KGM",
    "g": "GRM",
    "mg": "MGM",
    "t": "TNE",
    "l": "LTR",
    "liter": "LTR",
    "litre": "LTR",
    "ml": "MLT",
    "cl": "CLT",
    "lb": "LBR",
    "oz": "ONZ",
    "gal": "GLL",
    "ft": "FOT",
    "in": "INH",
    "h": "HUR",
}
COUNT_UNITS = frozenset({"units", "unit", "pcs", "pc", "piece", "pieces", "each", "ea", "ct"})


def unece_unit(unit: str) -> str | None:
    """The UN/ECE code of a product's unit; None for a count (or a unit without a code)."""
    key = unit.strip().lower()
    if key in COUNT_UNITS:
        return None
    if key.upper() in UNECE_UNITS.values():
        return key.upper()
    return UNECE_UNITS.get(key)


@dataclass(frozen=True, slots=True)
class ItemId:
    """What an EPC URI or a Digital Link names: a GTIN with a lot or a serial, or neither."""

    gtin: str
    lot: str | None = None
    serial: str | None = None


_EPC = re.compile(
    r"urn:epc:(?:id:(?P<sgtin>sgtin)|class:(?P<lgtin>lgtin)|idpat:(?P<pattern>sgtin)):"
    r"(?P<prefix>[0-9]+)\.(?P<item>[0-9]+)\.(?P<rest>.+)"
)


def _epc_unescape(value: str) -> str:
    return re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), value)


def read_item(uri: str) -> ItemId:
    """The GTIN, lot and serial an SGTIN/LGTIN/SGTIN-pattern URI or a Digital Link names.

    Raises InvalidIdentifier for anything else, or a GTIN whose check digit is wrong.
    """
    from lotline.errors import InvalidBarcode
    from lotline.rules.barcodes import parse_barcode

    found = _EPC.fullmatch(uri.strip()) if isinstance(uri, str) else None
    if found is not None and len(found["prefix"]) + len(found["item"]) == 13:
        body = found["item"][0] + found["prefix"] + found["item"][1:]
        gtin = body + str(check_digit(body))
        rest = _epc_unescape(found["rest"])
        if found["sgtin"]:
            return ItemId(gtin, serial=rest)
        if found["lgtin"]:
            return ItemId(gtin, lot=rest)
        if rest == "*":
            return ItemId(gtin)
    if isinstance(uri, str) and uri.lower().startswith(("http://", "https://")):
        try:
            scan = parse_barcode(uri)
        except InvalidBarcode as exc:
            raise InvalidIdentifier(str(exc), details={"value": uri}) from None
        if scan.gtin:
            return ItemId(scan.gtin, scan.lot, scan.serial)
    raise InvalidIdentifier(
        f"{uri!r} is neither an SGTIN, an LGTIN nor a GS1 Digital Link of a trade item.",
        details={"value": str(uri)},
    )


def read_party(uri: str) -> str | None:
    """The GLN a PGLN/SGLN URI or a Digital Link (414/417) names, else None."""
    text = uri.strip() if isinstance(uri, str) else ""
    epc = re.fullmatch(r"urn:epc:id:(?:pgln|sgln):([0-9]+)\.([0-9]*)(?:\..*)?", text)
    if epc is not None and len(epc[1]) + len(epc[2]) == 12:
        body = epc[1] + epc[2]
        return body + str(check_digit(body))
    link = re.fullmatch(r"https?://[^/]+(?:/.*)?/41[47]/([0-9]{13})(?:[/?].*)?", text)
    return gln(link[1]) if link is not None else None
