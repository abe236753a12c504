"""Seed 000 in the browser: stock without lots, switch tracking (and its warning), zero the
quantities, count them again with lots, and find the zeroing in the History."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from lotline.app import Lotline

pytestmark = pytest.mark.xdist_group("browser")


def test_reassigning_lots_to_stock_counted_without_them(
    open_as: Any, data: Lotline, screenshots: Path
) -> None:
    data.locations.create("WH/Stock/Shelf G")
    data.products.create("GLUE-000", "Wood glue 1 l", "none")
    data.adjustments.set_quantity("GLUE-000", "WH/Stock/Shelf G", 30)
    data.adjustments.set_quantity("GLUE-000", "WH/Stock", 12)
    page = open_as("manager")

    page.get_by_role("link", name="GLUE-000").click()
    page.get_by_label("Tracking").select_option(label="By Lots")
    page.get_by_role("button", name="Save").click()
    warning = page.get_by_role("alert")
    assert "have no lot/serial number" in warning.inner_text()
    assert "WH/Stock: 12 Units" in warning.inner_text()
    assert "WH/Stock/Shelf G: 30 Units" in warning.inner_text()
    page.screenshot(path=screenshots / "tracking-warning.png", full_page=True)

    page.get_by_role("button", name="On Hand").click()
    page.wait_for_url("**/quantity?product=GLUE-000")
    for place in ("WH/Stock/Shelf G", "WH/Stock"):
        row = page.locator("#quants tbody tr").filter(
            has=page.get_by_role("cell", name=place, exact=True)
        )
        row.get_by_role("button", name="Edit").click()
        field = page.get_by_label("On Hand Quantity")
        expect(field).to_be_visible()
        page.wait_for_function(
            "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
        )
        field.fill("0")
        field.press("Enter")
        expect(page.locator("#messages")).to_contain_text(f"at {place} set to 0")
    expect(page.get_by_text("No Stock On Hand")).to_be_visible()

    for place, lot, quantity in (
        ("WH/Stock/Shelf G", "GL-000-A", "30"),
        ("WH/Stock", "GL-000-B", "12"),
    ):
        page.get_by_role("button", name="New").click()
        line = page.locator("tr.new-line")
        line.get_by_label("Location").select_option(place)
        line.get_by_label("Lot/Serial Number").fill(lot)
        line.get_by_label("On Hand Quantity").fill(quantity)
        line.get_by_role("button", name="Save").click()
        expect(page.locator("#quants tbody tr", has_text=lot)).to_be_visible()
    assert data.stock.on_hand("GLUE-000") == 42
    assert {q.lot for q in data.stock.quants(product="GLUE-000")} == {"GL-000-A", "GL-000-B"}
    page.screenshot(path=screenshots / "update-quantity.png", full_page=True)

    page.locator("#quants tbody tr", has_text="GL-000-A").get_by_role("button", name="Edit").click()
    page.get_by_role("button", name="History").click()
    page.wait_for_url("**/quantity/history**")
    expect(page.locator("#history")).to_be_visible()
    zeroing = page.locator(
        "#history tbody tr", has_text="Virtual Locations/Inventory adjustment"
    ).filter(has_text="WH/Stock/Shelf G")
    assert zeroing.count() == 3  # counted without a lot, zeroed, counted again with GL-000-A
    page.screenshot(path=screenshots / "history.png", full_page=True)
