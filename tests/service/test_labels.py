"""Labels: GS1 DataMatrix symbols decoded back from the rendered PDF, and ZPL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from lotline.app import Lotline
from lotline.errors import InvalidInput, UnknownLot
from lotline.rules import gs1

zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp decodes the labels (dev extra)")
pdfium = pytest.importorskip("pypdfium2", reason="pypdfium2 renders the PDF labels (dev extra)")


def _decoded_pages(pdf: bytes) -> list[list[Any]]:
    """Every page rendered at 300 dpi and read by a real decoder."""
    document = pdfium.PdfDocument(pdf)
    pages = []
    for page in document:
        image = page.render(scale=300 / 72).to_pil()
        pages.append([(found.bytes.decode(), found) for found in zxingcpp.read_barcodes(image)])
    return pages


def _serials(app: Lotline, count: int) -> list[str]:
    app.products.create("KIT", "Test kit", "serial", gtin="80614141123458")
    names = [f"K/{n:04d}" for n in range(1, count + 1)]
    app.transfers.validate(
        app.transfers.receipt([{"product": "KIT", "quantity": count, "lots": names}])
    )
    return names


def test_a_lot_label_decodes_to_its_element_string_with_the_expiry(app: Lotline) -> None:
    app.settings.update(expiration_dates=True)
    app.products.create("JAM", "Strawberry jam", "lot", gtin="9506000134352")
    app.lots.create("JAM", "AB-12", expiration_date=datetime(2027, 3, 31))
    [page] = _decoded_pages(app.labels.render("JAM", ["AB-12"]))
    [(raw, symbol)] = page
    assert symbol.format == zxingcpp.BarcodeFormat.DataMatrix
    assert symbol.symbology_identifier == "]d2"  # GS1 DataMatrix (FNC1 first)
    assert raw == "0109506000134352" + "17270331" + "10AB-12"
    assert symbol.text == "(01)09506000134352(17)270331(10)AB-12"


def test_a_batch_of_serials_is_one_pdf_whose_symbols_read_back(app: Lotline) -> None:
    names = _serials(app, 12)
    pages = _decoded_pages(app.labels.render("KIT", names))
    assert len(pages) == 12
    assert [page[0][0] for page in pages] == [
        gs1.element_string("80614141123458", serial=name).raw for name in names
    ]


def test_a_lot_followed_by_a_serial_is_ended_by_a_group_separator() -> None:
    from PIL import Image

    from lotline.services.labels import Label, symbol

    element = gs1.element_string("80614141123458", lot="L1", serial="S1")
    assert element.raw == "018061414112345810L1\x1d21S1"
    code = symbol(Label("Kit", "S1", element))
    code.scale = 4
    code.buffer()
    height, width, _ = code.bitmap.shape
    image = Image.frombytes("RGB", (width, height), code.bitmap.tobytes())
    [found] = zxingcpp.read_barcodes(image)
    assert found.bytes.decode() == element.raw


def test_the_serials_an_order_made_are_labelled_from_the_order(app: Lotline) -> None:
    app.products.create("PART", "Part", "lot")
    app.products.create("UNIT", "Unit", "serial", gtin="80614141123458")
    app.manufacturing.bom("UNIT", {"PART": 1})
    app.adjustments.set_quantity("PART", "WH/Stock", 3, lot="P1")
    mo = app.manufacturing.confirm(app.manufacturing.order("UNIT", 3))
    made = app.manufacturing.batch_produce(mo, first="U001", count=3)
    assert app.labels.lots_of_order("UNIT", mo.name) == ["U001", "U002", "U003"]
    pages = _decoded_pages(app.labels.render("UNIT", mo=mo.name))
    assert [p[0][0][-4:] for p in pages] == ["U001", "U002", "U003"]
    assert len(made) == 3


def test_zpl_uses_the_printers_gs1_datamatrix_with_fnc1(app: Lotline) -> None:
    app.products.create("JAM", "Jam ^1 ~", "lot", gtin="9506000134352")
    app.lots.create("JAM", "AB-12")
    assert app.labels.render("JAM", ["AB-12"], format="zpl").decode() == (
        "^XA^CI28^PW800^LL400^FO330,30^A0N,40,40^FH\\^FDJam \\5E1 \\7E^FS"
        "^FO330,90^A0N,28,28^FH\\^FD(01)09506000134352^FS"
        "^FO330,130^A0N,28,28^FH\\^FD(10)AB-12^FS"
        "^FO30,60^BXN,8,200,0,0,1,_^FD_10109506000134352" + "10AB-12^FS^XZ\n"
    )


def test_labels_need_a_gtin_known_lots_and_a_known_format(app: Lotline) -> None:
    app.products.create("FREE", "No GTIN", "lot")
    app.lots.create("FREE", "X1")
    with pytest.raises(InvalidInput, match="has no GTIN"):
        app.labels.render("FREE", ["X1"])
    _serials(app, 1)
    with pytest.raises(UnknownLot, match="'NOPE'"):
        app.labels.render("KIT", ["NOPE"])
    with pytest.raises(InvalidInput, match="'pdf' or 'zpl'"):
        app.labels.render("KIT", ["K/0001"], format="png")  # type: ignore[arg-type]
