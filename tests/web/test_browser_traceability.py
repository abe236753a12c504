"""Seed 004 in the browser: the Lots/Serial Numbers dashboard grouped by lot, the lot form's
Location and Traceability smart buttons, the tree opened level by level, and a recall
downloaded as CSV and XLSX."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from lotline.app import Lotline

pytestmark = pytest.mark.xdist_group("browser")


@pytest.fixture
def genealogy(data: Lotline) -> Lotline:
    """Oak lot OAK-004-1 received from Nordic Timber -> a lot of legs -> three stools, two
    of them delivered to Acme Offices."""
    if "OAK-004" in {p.code for p in data.products.list()}:
        return data
    data.products.create("OAK-004", "Oak plank", "lot", unit="m")
    data.products.create("LEG-004", "Oak leg", "lot", lot_prefix="LG4-")
    data.products.create("STOOL-004", "Oak stool", "serial", lot_prefix="ST4-")
    data.manufacturing.bom("LEG-004", {"OAK-004": 1})
    data.manufacturing.bom("STOOL-004", {"LEG-004": 3})
    receipt = data.transfers.receipt(
        [{"product": "OAK-004", "lots": {"OAK-004-1": 100}}], partner="Nordic Timber"
    )
    data.transfers.validate(receipt)
    legs = data.manufacturing.confirm(data.manufacturing.order("LEG-004", 12))
    data.manufacturing.generate_lot(legs)
    data.manufacturing.produce_all(legs)
    data.manufacturing.batch_produce(
        data.manufacturing.confirm(data.manufacturing.order("STOOL-004", 3))
    )
    delivery = data.transfers.reserve(
        data.transfers.delivery([{"product": "STOOL-004", "quantity": 2}], partner="Acme Offices")
    )
    data.transfers.validate(delivery)
    return data


def test_dashboard_grouped_by_lot_leads_to_the_lot_its_location_and_its_traceability(
    open_as: Any, genealogy: Lotline, screenshots: Path
) -> None:
    page = open_as("viewer")
    page.get_by_role("link", name="Lots/Serial Numbers").click()
    page.get_by_label("Product").select_option("OAK-004")
    page.get_by_label("Group By").select_option(label="Lot/Serial Number")
    page.get_by_role("button", name="Apply").click()
    lot = page.locator("details.lot", has_text="OAK-004-1")
    lot.locator("summary").click()
    expect(lot.locator(".places")).to_contain_text("WH/Stock")
    expect(lot.locator(".places")).to_contain_text("88")
    page.screenshot(path=screenshots / "lots-dashboard.png", full_page=True)

    lot.get_by_role("link", name="Open OAK-004-1").click()
    expect(page.locator("h1")).to_contain_text("Lot OAK-004-1")
    page.get_by_role("button", name="Location").click()
    expect(page.locator("#lot-locations")).to_contain_text("WH/Stock")
    page.go_back()
    page.get_by_role("button", name="Traceability").click()

    tree = page.locator("#trace-tree")
    expect(tree).to_contain_text("Nordic Timber")
    expect(tree.locator(".node", has_text="LG4-")).to_contain_text("WH/MO/")
    expect(tree).not_to_contain_text("ST4-")  # the level below loads when it is opened
    tree.get_by_role("button", name=re.compile("^Open LG4-")).click()
    expect(tree.locator(".node", has_text="ST4-")).to_have_count(3)
    expect(tree).to_contain_text("Acme Offices")
    page.screenshot(path=screenshots / "traceability.png", full_page=True)


def test_a_recall_lists_every_customer_and_downloads_as_csv_and_xlsx(
    open_as: Any, genealogy: Lotline, screenshots: Path
) -> None:
    page = open_as("viewer")
    page.goto("/recall?product=OAK-004&lot=OAK-004-1")
    table = page.locator("#recall")
    expect(table.locator("tbody tr", has_text="Acme Offices")).to_have_count(2)
    page.screenshot(path=screenshots / "recall.png", full_page=True)

    with page.expect_download() as csv_download:
        page.get_by_role("button", name="Download CSV").click()
    text = Path(csv_download.value.path()).read_text()
    assert text.count("Acme Offices") == 2
    assert "OAK-004-1" in text
    with page.expect_download() as xlsx_download:
        page.get_by_role("button", name="Download XLSX").click()
    assert Path(xlsx_download.value.path()).read_bytes()[:2] == b"PK"
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
