"""Seed 002 in the browser: a lot order with the plus icon and Produce All; a serial order of
two chairs through Batch Production to its split orders and the Backorders button; Prepare MO."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from lotline.app import Lotline

pytestmark = pytest.mark.xdist_group("browser")


@pytest.fixture
def workshop(data: Lotline) -> Lotline:
    if "OAK-002" not in {p.code for p in data.products.list()}:
        data.products.create("OAK-002", "Oak plank", "lot", unit="m")
        data.adjustments.set_quantity("OAK-002", "WH/Stock", 500, lot="OAK-002-A")
        data.products.create("BENCH-002", "Oak bench", "lot", lot_prefix="BN2-")
        data.products.create("CHAIR-002", "Oak chair", "serial", lot_prefix="CH2-")
        data.manufacturing.bom("BENCH-002", {"OAK-002": 4})
        data.manufacturing.bom("CHAIR-002", {"OAK-002": 2})
    return data


def new_order(page: Any, product: str, quantity: str) -> str:
    page.get_by_role("link", name="Manufacturing").click()
    page.get_by_role("button", name="New").click()
    page.get_by_label("Product").select_option(product)
    page.get_by_label("Quantity").fill(quantity)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/mo?name=**")
    expect(page.locator("h1")).to_contain_text("Confirmed")
    return str(page.locator("h1").inner_text().split()[0])


def test_a_lot_order_gets_its_lot_from_the_plus_icon_and_produces_all(
    open_as: Any, workshop: Lotline, screenshots: Path
) -> None:
    page = open_as("operator")
    name = new_order(page, "BENCH-002", "5")
    field = page.get_by_label("Lot/Serial Number", exact=True)
    expect(field).to_have_value("")
    page.get_by_role("button", name="Generate the next lot/serial number").click()
    expect(page.get_by_label("Lot/Serial Number", exact=True)).to_have_value(
        re.compile(r"^BN2-\d+$")
    )
    lot = page.get_by_label("Lot/Serial Number", exact=True).input_value()
    page.screenshot(path=screenshots / "manufacturing-order.png", full_page=True)

    page.get_by_role("button", name="Produce All").click()
    expect(page.locator("h1")).to_contain_text("Done")
    assert workshop.manufacturing.get(name).lot == lot
    assert workshop.stock.on_hand("BENCH-002", lot=lot) == 5


def test_two_chairs_go_through_batch_production_to_two_split_orders(
    open_as: Any, workshop: Lotline, screenshots: Path
) -> None:
    page = open_as("operator")
    name = new_order(page, "CHAIR-002", "2")
    page.get_by_role("button", name="Produce All").click()
    dialog = page.get_by_role("dialog", name="Batch Production")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("First Lot/SN")).to_have_value(re.compile(r"^CH2-\d+$"))
    expect(dialog.get_by_label("Number of SN")).to_have_value("2")
    first = dialog.get_by_label("First Lot/SN").input_value()
    dialog.get_by_role("button", name="Generate").click()
    serials = page.get_by_role("dialog").get_by_label("Lot/Serial Numbers")
    expect(serials).to_have_value(re.compile(rf"^{first}\n\S+$"))
    page.screenshot(path=screenshots / "batch-production.png")

    page.get_by_role("dialog").get_by_role("button", name="Produce", exact=True).click()
    page.wait_for_url(f"**/mo?name={name}-001")
    expect(page.locator("h1")).to_contain_text(f"{name}-001")
    expect(page.locator("h1")).to_contain_text("Done")
    page.get_by_role("button", name="Backorders").click()
    orders = page.locator("#orders tbody tr")
    expect(orders).to_have_count(2)
    expect(orders.nth(0)).to_contain_text(f"{name}-001")
    expect(orders.nth(1)).to_contain_text(f"{name}-002")
    assert {o.state for o in workshop.manufacturing.backorders(f"{name}-001")} == {"done"}


def test_prepare_mo_splits_the_order_and_leaves_each_open(open_as: Any, workshop: Lotline) -> None:
    page = open_as("operator")
    name = new_order(page, "CHAIR-002", "2")
    page.get_by_role("button", name="Produce All").click()
    dialog = page.get_by_role("dialog", name="Batch Production")
    dialog.get_by_role("button", name="Generate").click()
    expect(page.get_by_role("dialog").get_by_label("Lot/Serial Numbers")).not_to_have_value("")
    page.get_by_role("dialog").get_by_role("button", name="Prepare MO").click()
    page.wait_for_url(f"**/mo?name={name}-001")
    expect(page.locator("h1")).to_contain_text("Confirmed")
    assert [o.state for o in workshop.manufacturing.backorders(name + "-001")] == ["confirmed"] * 2

    page.get_by_role("button", name="Produce All").click()
    expect(page.locator("h1")).to_contain_text("Done")
