"""Labels with a GS1 DataMatrix: one per lot or serial, as one PDF or one ZPL file.

Each label shows the product name, the human-readable element string and a GS1
DataMatrix of (01) GTIN, (17) expiry when the lot has one, (10) lot or (21)
serial. zint encodes the symbol (GS1 mode, every warning an error) and its
vector output is drawn into the PDF; ZPL uses the printer's own ^BX DataMatrix
with FNC1 written as ``_1``.
"""

from __future__ import annotations

import builtins
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, or_, select

from lotline.errors import InvalidInput, UnknownLot, UnknownOperation
from lotline.models import Lot, Product
from lotline.rules import gs1
from lotline.rules.text import as_text, described
from lotline.services.base import Service
from lotline.services.catalog import ProductRef, get_product
from lotline.services.documents import document_name
from lotline.services.identifiers import require_gtin
from lotline.services.lots import lot_from_row
from lotline.store.bulk import chunked
from lotline.store.schema import locations, lots, move_lines, operations

LabelFormat = Literal["pdf", "zpl"]
MM = 72 / 25.4
LABEL_WIDTH_MM = 100.0
LABEL_HEIGHT_MM = 50.0
SYMBOL_MM = 30.0


@dataclass(frozen=True, slots=True)
class Label:
    """What one label shows."""

    product_name: str
    lot: str
    element: gs1.ElementString


def label_of(product: Product, lot: Lot) -> Label:
    """The label of one lot or serial of a product with a GTIN."""
    gtin = require_gtin(product)
    expiry = lot.expiration_date.date() if lot.expiration_date else None
    if product.tracking == "serial":
        element = gs1.element_string(gtin, serial=lot.name, expiry=expiry)
    else:
        element = gs1.element_string(gtin, lot=lot.name, expiry=expiry)
    return Label(product.name, lot.name, element)


def symbol(label: Label) -> Any:
    """The zint DataMatrix of a label (GS1 mode; a bad element string is refused)."""
    import zint

    code = zint.Symbol()
    code.symbology = zint.Symbology.DATAMATRIX
    code.input_mode = zint.InputMode.GS1
    code.warn_level = zint.WarningLevel.FAIL_ALL
    try:
        code.encode(label.element.bracketed)
    except RuntimeError as exc:
        raise InvalidInput(
            f"The barcode of {label.lot} cannot be made: {exc}",
            details={"lot": label.lot, "barcode": label.element.text},
        ) from None
    return code


def to_pdf(labels: Sequence[Label]) -> bytes:
    """One PDF, one label per page (100 x 50 mm)."""
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(LABEL_WIDTH_MM * MM, LABEL_HEIGHT_MM * MM), invariant=1)
    for label in labels:
        _draw(canvas, label)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _draw(pdf: Any, label: Label) -> None:
    code = symbol(label)
    code.buffer_vector()
    vector = code.vector
    size = SYMBOL_MM * MM
    scale = size / max(vector.width, vector.height)
    left, bottom = 5 * MM, (LABEL_HEIGHT_MM * MM - size) / 2
    pdf.setFillColorRGB(0, 0, 0)
    for rect in vector.rectangles:
        pdf.rect(
            left + rect.x * scale,
            bottom + size - (rect.y + rect.height) * scale,
            rect.width * scale,
            rect.height * scale,
            stroke=0,
            fill=1,
        )
    text_left = left + size + 5 * MM
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawString(text_left, bottom + size - 11, label.product_name[:40])
    pdf.setFont("Helvetica", 8)
    for number, part in enumerate(_hri_lines(label.element.text)):
        pdf.drawString(text_left, bottom + size - 28 - 11 * number, part)


def _hri_lines(text: str) -> list[str]:
    """The human-readable text cut before each (AI), one element per line."""
    return ["(" + part for part in text.split("(") if part]


def _zpl_text(value: str) -> str:
    """Field data for ^FH\\: the characters ZPL reserves written as hex escapes."""
    return "".join(f"\\{ord(c):02X}" if c in "^~\\" or ord(c) > 126 else c for c in value)


def to_zpl(labels: Sequence[Label]) -> str:
    """ZPL II, one ^XA..^XZ block per label (203 dpi, 100 x 50 mm)."""
    blocks = []
    for label in labels:
        data = label.element.raw.replace(gs1.FNC1, "_1")
        hri = "^FS".join(
            f"^FO330,{90 + 40 * n}^A0N,28,28^FH\\^FD{_zpl_text(part)}"
            for n, part in enumerate(_hri_lines(label.element.text))
        )
        blocks.append(
            "^XA^CI28^PW800^LL400"
            f"^FO330,30^A0N,40,40^FH\\^FD{_zpl_text(label.product_name[:30])}^FS"
            f"{hri}^FS"
            f"^FO30,60^BXN,8,200,0,0,1,_^FD_1{data}^FS"
            "^XZ"
        )
    return "\n".join(blocks) + "\n"


def order_lots(conn: Connection, product: Product, mo: str) -> list[str]:
    """The lots or serials a manufacturing order (and its split orders) produced; an order
    split by batch production is found by its first name (WH/MO/00001 is now -001)."""
    name = document_name(mo)
    found = conn.execute(
        select(operations.c.id, operations.c.split_root_id)
        .where(operations.c.name.in_([name, f"{name}-001"]), operations.c.kind == "manufacturing")
        .order_by(operations.c.name)
    ).first()
    if found is None:
        raise UnknownOperation(
            f"There is no manufacturing order {mo!r}.", details={"document": name}
        )
    root = found.split_root_id or found.id
    produced = (
        select(lots.c.name)
        .join(move_lines, move_lines.c.lot_id == lots.c.id)
        .join(operations, operations.c.id == move_lines.c.operation_id)
        .join(locations, locations.c.id == move_lines.c.source_id)
        .where(
            or_(operations.c.id == root, operations.c.split_root_id == root),
            locations.c.usage == "production",
            move_lines.c.product_id == product.id,
        )
        .order_by(move_lines.c.id)
    )
    return list(dict.fromkeys(conn.execute(produced).scalars()))


def _labels(conn: Connection, ref: ProductRef, names: Sequence[str], mo: str | None) -> list[Label]:
    product = get_product(conn, ref)
    require_gtin(product)
    wanted = list(names) + (order_lots(conn, product, mo) if mo else [])
    if not wanted:
        raise InvalidInput(
            f"Name the lots or serial numbers of {product.code} to label.",
            details={"product": product.code},
        )
    found: dict[str, Lot] = {}
    for chunk in chunked(list(dict.fromkeys(wanted))):
        query = select(lots).where(lots.c.product_id == product.id, lots.c.name.in_(chunk))
        found.update(
            (row["name"], lot_from_row(row, product.code)) for row in conn.execute(query).mappings()
        )
    unknown = [name for name in wanted if name not in found]
    if unknown:
        raise UnknownLot(
            f"Product {product.code} has no lot/serial number {unknown[0]!r}"
            + (f" (and {len(unknown) - 1} more)." if len(unknown) > 1 else "."),
            details={"product": product.code, "lot": unknown[0], "lots": unknown[:20]},
        )
    return [label_of(product, found[name]) for name in dict.fromkeys(wanted)]


class Labels(Service):
    """app.labels: GS1 DataMatrix labels of lots and serials, as PDF or ZPL."""

    def render(
        self,
        product: ProductRef,
        lots: Sequence[str] = (),
        format: LabelFormat = "pdf",
        *,
        mo: str | None = None,
    ) -> bytes:
        """One label per lot or serial (and per one an order ``mo`` produced): a PDF, or
        ZPL text as UTF-8 bytes."""
        if format not in ("pdf", "zpl"):
            raise InvalidInput(
                f"Labels are made as 'pdf' or 'zpl', not {described(format)}.",
                details={"field": "format", "value": as_text(format)},
            )
        labels = self._run(lambda conn: _labels(conn, product, lots, mo))
        return to_pdf(labels) if format == "pdf" else to_zpl(labels).encode()

    def lots_of_order(self, product: ProductRef, mo: str) -> builtins.list[str]:
        """The lots or serials an order produced, in the order they were made."""
        return self._run(lambda conn: order_lots(conn, get_product(conn, product), mo))
