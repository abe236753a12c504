"""Receipts and deliveries in the browser: serials generated from First SN + Number of SN, a
scanned GS1 label, a pasted list with every bad line shown at once, and Validate with the
backorder question; a viewer sees no Validate, Produce or Apply."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from lotline.app import Lotline

pytestmark = pytest.mark.xdist_group("browser")


@pytest.fixture
def catalog(data: Lotline) -> Lotline:
    if "DESK-T" not in {p.code for p in data.products.list()}:
        data.products.create("DESK-T", "Standing desk", "serial")
        data.products.create("PAINT-T", "Paint 5 l", "lot", gtin="09506000134352")
    return data


def test_a_receipt_of_generated_serials_and_a_scanned_lot_is_validated(
    open_as: Any, catalog: Lotline, screenshots: Path
) -> None:
    page = open_as("operator")
    page.get_by_role("link", name="Receipts").click()
    page.get_by_role("button", name="New").click()
    page.get_by_label("Receive From").fill("Desks & Co")
    line = page.locator("#line-0")
    line.get_by_label("Product").select_option("DESK-T")
    line.get_by_label("First SN").fill("DK-0001")
    line.get_by_label("Number of SN").fill("3")
    line.get_by_role("button", name="Generate").click()
    expect(page.locator("#line-0").get_by_label("Lots/Serial Numbers")).to_have_value(
        "DK-0001\nDK-0002\nDK-0003"
    )

    page.get_by_role("button", name="Add a line").click()
    scan = page.locator("#line-1").get_by_label("Scan")
    expect(scan).to_be_visible()
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )
    scan.fill("(01)09506000134352(10)PT-7(30)12")
    scan.press("Enter")
    expect(page.locator("#line-1").get_by_label("Lots/Serial Numbers")).to_have_value("PT-7; 12")
    expect(page.locator("#line-1").get_by_label("Product")).to_have_value("PAINT-T")
    page.screenshot(path=screenshots / "receipt-new.png", full_page=True)

    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/transfer?name=WH/IN/**")
    expect(page.locator("h1")).to_contain_text("Ready")
    page.get_by_role("button", name="Validate").click()
    expect(page.locator("h1")).to_contain_text("Done")
    assert catalog.stock.on_hand("DESK-T") == 3
    assert catalog.stock.on_hand("PAINT-T", lot="PT-7") == 12


def test_a_pasted_list_shows_every_bad_line_at_once_and_saves_nothing(
    open_as: Any, catalog: Lotline
) -> None:
    page = open_as("operator")
    page.goto("/transfers/new?kind=receipt")
    before = len(catalog.transfers.list())
    line = page.locator("#line-0")
    line.get_by_label("Product").select_option("DESK-T")
    line.get_by_label("Lots/Serial Numbers").fill("DK-0100\nDK-0100\nDK-0101;2")
    page.get_by_role("button", name="Save").click()
    problems = page.locator("#lots-0-error li")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_contain_text("line 2")
    expect(problems.nth(1)).to_contain_text("line 3")
    assert len(catalog.transfers.list()) == before


def test_validating_part_of_a_delivery_asks_about_a_backorder(
    open_as: Any, catalog: Lotline, screenshots: Path
) -> None:
    catalog.transfers.validate(
        catalog.transfers.receipt(
            [{"product": "DESK-T", "lots": ["DK-0201", "DK-0202", "DK-0203"]}]
        )
    )
    delivery = catalog.transfers.delivery([{"product": "DESK-T", "quantity": 3}], partner="Acme")
    page = open_as("operator")
    page.goto(f"/transfer?name={delivery.name}")
    page.get_by_role("button", name="Check Availability").click()
    expect(page.locator("h1")).to_contain_text("Ready")
    lots = page.locator("#lines details")
    lots.locator("summary").click()
    lots.get_by_label("Lots/Serial Numbers of DESK-T").fill("DK-0201\nDK-0202")
    lots.get_by_role("button", name="Save").click()
    expect(page.locator("#lines tbody tr").first.locator("td").nth(2)).to_have_text("2")
    page.get_by_role("button", name="Validate").click()
    question = page.get_by_role("dialog", name="Create Backorder?")
    expect(question).to_contain_text("DESK-T: 2 of 3")
    page.screenshot(path=screenshots / "backorder-question.png")
    question.get_by_role("button", name="Create Backorder").click()
    expect(page.locator("h1")).to_contain_text("Done")
    expect(page.locator("#messages")).to_contain_text("the rest is on backorder WH/OUT/")
    [rest] = catalog.transfers.backorders(delivery.name)
    assert catalog.transfers.get(rest.name).lines[0].quantity == 1


def test_a_viewer_sees_no_validate_produce_or_apply(open_as: Any, catalog: Lotline) -> None:
    receipt = catalog.transfers.receipt([{"product": "DESK-T", "lots": ["DK-0301"]}])
    page = open_as("viewer")
    page.goto(f"/transfer?name={receipt.name}")
    expect(page.locator("h1")).to_contain_text("Ready")
    expect(page.get_by_role("button", name="Validate")).to_have_count(0)
    page.goto("/quantity?product=DESK-T")
    expect(page.get_by_role("button", name="New")).to_have_count(0)
    expect(page.get_by_role("button", name="Edit")).to_have_count(0)
    page.goto("/product?code=DESK-T")
    expect(page.get_by_label("Tracking")).to_be_disabled()
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    page.goto("/manufacturing")
    expect(page.get_by_role("button", name="New")).to_have_count(0)
