import pytest

import lotline
from lotline.app import Lotline
from lotline.errors import (
    DatabaseUnavailable,
    DuplicateLocation,
    DuplicateLot,
    DuplicateProduct,
    InvalidInput,
    InvalidLotName,
    InvalidTracking,
    SettingRequired,
    UnknownLocation,
    UnknownLot,
    UnknownProduct,
)


def test_a_new_database_has_lots_on_and_the_default_locations(app: Lotline) -> None:
    settings = app.settings.get()
    assert settings.lots_and_serials and not settings.expiration_dates
    usages = {loc.full_name: loc.usage for loc in app.locations.list()}
    assert usages["WH"] == "view"
    assert usages["WH/Stock"] == "internal"
    assert usages["Partners/Vendors"] == "supplier"
    assert usages["Partners/Customers"] == "customer"
    assert usages["Virtual Locations/Production"] == "production"
    assert usages["Virtual Locations/Inventory adjustment"] == "inventory"
    assert usages["Virtual Locations/Scrap"] == "scrap"


def test_opening_twice_keeps_one_set_of_default_locations(db_url: str) -> None:
    lotline.open(db_url).close()
    with lotline.open(db_url) as again:
        names = [loc.full_name for loc in again.locations.list()]
    assert names.count("WH/Stock") == 1


def test_products_are_created_with_their_tracking(app: Lotline) -> None:
    chair = app.products.create("CHAIR", "Chair", "serial", gtin="09506000134352")
    assert (chair.code, chair.tracking, chair.unit) == ("CHAIR", "serial", "Units")
    assert app.products.get("CHAIR") == chair
    assert app.products.get_by_gtin("9506000134352") == chair


def test_duplicate_product_code_is_refused(app: Lotline) -> None:
    app.products.create("CHAIR", "Chair")
    with pytest.raises(DuplicateProduct, match="CHAIR"):
        app.products.create("CHAIR", "Another chair")
    assert [p.name for p in app.products.list()] == ["Chair"]


@pytest.mark.parametrize("tracking", ["lots", "Serial", "", "none "])
def test_unknown_tracking_value_is_refused(app: Lotline, tracking: str) -> None:
    with pytest.raises(InvalidTracking, match="none, lot, serial"):
        app.products.create("X", "X", tracking)
    assert app.products.list() == []


def test_bad_gtin_is_refused(app: Lotline) -> None:
    with pytest.raises(InvalidInput, match="GTIN"):
        app.products.create("X", "X", gtin="09506000134353")


def test_tracking_needs_the_lots_setting(app: Lotline) -> None:
    app.settings.update(lots_and_serials=False)
    with pytest.raises(SettingRequired, match="Lots & Serial Numbers"):
        app.products.create("CHAIR", "Chair", "serial")
    app.products.create("CHAIR", "Chair")
    with pytest.raises(SettingRequired, match="Lots & Serial Numbers"):
        app.products.set_tracking("CHAIR", "lot")
    app.settings.update(lots_and_serials=True)
    assert app.products.set_tracking("CHAIR", "lot") == []
    assert app.products.get("CHAIR").tracking == "lot"


def test_lots_cannot_be_turned_off_while_products_are_tracked(app: Lotline) -> None:
    app.products.create("CHAIR", "Chair", "serial")
    with pytest.raises(SettingRequired, match="CHAIR"):
        app.settings.update(lots_and_serials=False)
    assert app.settings.get().lots_and_serials


def test_unknown_product_and_location_are_named(app: Lotline) -> None:
    with pytest.raises(UnknownProduct, match="'NOPE'"):
        app.products.get("NOPE")
    with pytest.raises(UnknownLocation, match="'WH/Nowhere'"):
        app.locations.get("WH/Nowhere")


def test_sub_locations_need_an_existing_parent_and_a_new_name(app: Lotline) -> None:
    shelf = app.locations.create("WH/Stock/Shelf 1")
    assert (shelf.parent, shelf.usage) == ("WH/Stock", "internal")
    with pytest.raises(DuplicateLocation):
        app.locations.create("WH/Stock/Shelf 1")
    with pytest.raises(UnknownLocation, match="parent"):
        app.locations.create("WH/Stock/Aisle 9/Shelf 1")
    with pytest.raises(InvalidInput):
        app.locations.create("WH//Shelf")


def test_same_lot_name_on_two_products_is_fine_but_not_twice_on_one(app: Lotline) -> None:
    app.products.create("A", "A", "lot")
    app.products.create("B", "B", "lot")
    app.lots.create("A", "L-1")
    app.lots.create("B", "L-1")
    with pytest.raises(DuplicateLot, match="L-1"):
        app.lots.create("A", "L-1")
    assert app.lots.get("B", "L-1").product == "B"
    with pytest.raises(UnknownLot):
        app.lots.get("A", "L-2")


@pytest.mark.parametrize(
    "name", ["", "   ", "x" * 129, "x" * 300, "LOT\x1d42", "LOT\n1", "A\tB", "\x00"]
)
def test_bad_lot_names_are_refused_and_nothing_is_created(app: Lotline, name: str) -> None:
    app.products.create("A", "A", "lot")
    with pytest.raises(InvalidLotName):
        app.lots.create("A", name)
    assert app.lots.find("A") == []


def test_lots_are_only_for_tracked_products(app: Lotline) -> None:
    app.products.create("SCREW", "Screw")
    with pytest.raises(InvalidInput, match="not tracked"):
        app.lots.create("SCREW", "L-1")


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://postgres:secret@127.0.0.1:1/nowhere",
        "sqlite:////nonexistent-dir/x/y.db",
        "mysql://u@h/db",
        "not a url",
    ],
)
def test_a_database_that_cannot_be_opened_is_named_without_its_password(url: str) -> None:
    with pytest.raises(DatabaseUnavailable) as raised:
        lotline.open(url)
    assert "secret" not in str(raised.value)
    assert "Cannot open the database" in str(raised.value)


def test_refusals_carry_the_product_location_and_setting_involved(app: Lotline) -> None:
    with pytest.raises(UnknownProduct) as unknown:
        app.products.get(" NOPE ")
    assert unknown.value.details == {"product": "NOPE"}
    with pytest.raises(UnknownProduct) as no_gtin:
        app.products.get_by_gtin("9506000134352")
    assert no_gtin.value.details == {"gtin": "09506000134352"}
    with pytest.raises(UnknownLocation) as nowhere:
        app.locations.get("WH/Nowhere")
    assert nowhere.value.details == {"location": "WH/Nowhere"}
    app.products.create("CHAIR", "Chair", "serial")
    with pytest.raises(DuplicateProduct) as duplicate:
        app.products.create("CHAIR", "Chair")
    assert duplicate.value.details == {"product": "CHAIR"}
    with pytest.raises(SettingRequired) as lots_in_use:
        app.settings.update(lots_and_serials=False)
    assert lots_in_use.value.details == {"setting": "lots_and_serials", "tracked": ["CHAIR"]}
    with pytest.raises(SettingRequired) as dates_off:
        app.products.update("CHAIR", use_expiration_date=True)
    assert dates_off.value.details == {"setting": "expiration_dates", "product": "CHAIR"}


def test_refused_product_options_name_the_field_in_operator_words(app: Lotline) -> None:
    with pytest.raises(InvalidInput, match=r"^The alert days must be a whole number") as caught:
        app.products.create("MILK", "Milk", alert_days=-1)
    assert caught.value.details == {"field": "alert_days", "value": "-1"}
    with pytest.raises(InvalidTracking) as tracking:
        app.products.create("MILK", "Milk", "batch")
    assert tracking.value.details == {"field": "tracking", "value": "batch"}
