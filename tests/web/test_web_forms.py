"""The web application through its ASGI app, on SQLite and PostgreSQL: logging in, CSRF,
roles, refusals shown at their field with nothing saved, and long work as a job."""

from __future__ import annotations

import time

from lotline.app import Lotline
from tests.web.conftest import Browser


def test_an_anonymous_visitor_is_sent_to_the_login_page(site: Browser) -> None:
    page = site.get("/products")
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=%2Fproducts"
    fragment = site.get("/products", headers={"HX-Request": "true"})
    assert fragment.headers["HX-Redirect"] == "/login?next=%2Fproducts"


def test_a_wrong_password_is_refused_on_the_form_and_the_right_one_logs_in(
    site: Browser,
) -> None:
    site.ensure("operator")
    site.get("/login")
    wrong = site.post("/login", {"name": "operator", "password": "nope"})
    assert wrong.status_code == 422
    assert "The user name or the password is wrong." in wrong.text
    assert site.get("/products").status_code == 303
    right = site.login("operator")
    assert right.headers["HX-Redirect"] == "/products"
    assert site.get("/products").status_code == 200


def test_login_goes_back_to_the_page_asked_for_but_never_to_another_site(site: Browser) -> None:
    site.ensure("viewer")
    site.get("/login")
    data = {"name": "viewer", "password": "secret-viewer"}
    assert (
        site.post("/login", {**data, "next": "//evil.example/x"}).headers["HX-Redirect"]
        == "/products"
    )
    site.post("/logout")
    site.get("/login")
    assert site.post("/login", {**data, "next": "/lots"}).headers["HX-Redirect"] == "/lots"


def test_a_form_posted_without_the_csrf_token_is_refused_and_changes_nothing(
    site: Browser, library: Lotline
) -> None:
    library.products.create("GLUE", "Glue", "none")
    site.login("manager")
    form = {"product": "GLUE", "location": "WH/Stock", "quantity": "5"}
    forged = site.client.post("/quantity", data=form, headers={"HX-Request": "true"})
    assert forged.status_code == 403
    assert library.stock.on_hand("GLUE") == 0
    assert site.post("/quantity", form).status_code == 200
    assert library.stock.on_hand("GLUE") == 5


def test_the_api_with_a_bearer_token_needs_no_csrf_and_gets_no_cookie(
    site: Browser, library: Lotline
) -> None:
    site.ensure("manager")
    token = library.users.token("manager")
    answer = site.client.post(
        "/api/v1/products",
        json={"code": "DESK", "name": "Desk", "tracking": "none"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 201, answer.text
    assert "set-cookie" not in answer.headers
    paths = site.get("/api/v1/openapi.json").json()["paths"]
    assert not [p for p in paths if not p.startswith("/api/v1")]


def test_a_viewer_cannot_validate_even_by_posting(site: Browser, library: Lotline) -> None:
    library.products.create("DESK", "Desk", "serial")
    receipt = library.transfers.receipt([{"product": "DESK", "lots": ["D1"]}])
    site.login("viewer")
    page = site.get(f"/transfer?name={receipt.name}")
    assert page.status_code == 200
    assert ">Validate<" not in page.text
    refused = site.post(f"/transfer/validate?name={receipt.name}")
    assert refused.status_code == 403
    assert "needs the operator role" in refused.text
    assert library.transfers.get(receipt.name).state == "ready"


def test_a_bad_quantity_is_shown_at_the_quantity_and_nothing_is_saved(
    site: Browser, library: Lotline
) -> None:
    library.products.create("WOOD", "Oak", "lot")
    site.login("manager")
    answer = site.post(
        "/quantity",
        {
            "product": "WOOD",
            "location": "WH/Stock",
            "lot": "OAK-1",
            "quantity": "12,5 m",
            "new": "true",
        },
    )
    assert answer.status_code == 422
    assert 'id="quantity-error"' in answer.text
    assert "12,5 m" in answer.text  # what was typed stays in the field
    assert library.stock.quants(product="WOOD") == []
    assert library.lots.find("WOOD") == []


def test_counting_a_tracked_product_without_a_lot_is_refused_at_the_lot(
    site: Browser, library: Lotline
) -> None:
    library.products.create("WOOD", "Oak", "lot")
    site.login("manager")
    answer = site.post(
        "/quantity", {"product": "WOOD", "location": "WH/Stock", "quantity": "3", "new": "true"}
    )
    assert answer.status_code == 422
    assert 'id="lot-error"' in answer.text
    assert library.stock.on_hand("WOOD") == 0


def test_a_duplicate_product_code_is_refused_at_the_code(site: Browser, library: Lotline) -> None:
    library.products.create("DESK", "Desk", "none")
    site.login("manager")
    answer = site.post("/products", {"code": "DESK", "name": "Other", "tracking": "none"})
    assert answer.status_code == 422
    assert 'id="code-error"' in answer.text
    assert library.products.get("DESK").name == "Desk"


def test_switching_tracking_with_stock_warns_where_the_stock_without_lots_is(
    site: Browser, library: Lotline
) -> None:
    library.products.create("GLUE", "Glue", "none")
    library.adjustments.set_quantity("GLUE", "WH/Stock", 12)
    site.login("manager")
    answer = site.post("/product/tracking?code=GLUE", {"tracking": "serial"})
    assert answer.status_code == 200
    assert "You have product(s) in stock that have no lot/serial number." in answer.text
    assert "WH/Stock: 12 Units" in answer.text
    assert library.products.get("GLUE").tracking == "serial"


def test_only_an_admin_saves_the_settings(site: Browser, library: Lotline) -> None:
    site.login("manager")
    page = site.get("/settings")
    assert "Lots &amp; Serial Numbers" in page.text and "Expiration Dates" in page.text
    assert site.post("/settings", {"lots_and_serials": "true"}).status_code == 403
    site.post("/logout")
    site.login("admin")
    saved = site.post("/settings", {"lots_and_serials": "true", "expiration_dates": "true"})
    assert saved.headers["HX-Redirect"] == "/settings"
    assert library.settings.get().expiration_dates


def test_a_long_batch_production_runs_as_a_job_and_ends_on_the_first_split_order(
    site: Browser, library: Lotline
) -> None:
    library.products.create("CHAIR", "Chair", "serial")
    library.products.create("SCREW", "Screw", "none")
    library.adjustments.set_quantity("SCREW", "WH/Stock", 4000)
    library.manufacturing.bom("CHAIR", {"SCREW": 4})
    order = library.manufacturing.confirm(library.manufacturing.order("CHAIR", 1000))
    site.login("operator")
    names = "\n".join(library.lots.generate_names("CH00001", 1000))
    started = site.post(f"/mo/batch?name={order.name}", {"lots": names, "action": "produce"})
    job_page = started.headers["HX-Redirect"]
    assert job_page.startswith("/jobs/")
    with site.client.stream("GET", f"{job_page}/events") as events:
        stream = "".join(events.iter_text())
    assert "event: progress" in stream and "event: done" in stream
    deadline = time.monotonic() + 30
    while (target := site.get(f"{job_page}/result").headers["location"]) == job_page:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert target == f"/mo?name={order.name}-001"
    assert library.stock.on_hand("CHAIR") == 1000


def test_logging_out_ends_the_session(site: Browser) -> None:
    site.login("viewer")
    assert site.get("/lots").status_code == 200
    assert site.post("/logout").headers["HX-Redirect"] == "/login"
    assert site.get("/lots").status_code == 303


def test_a_receipt_of_a_long_series_of_serials_runs_as_a_job(
    site: Browser, library: Lotline
) -> None:
    library.products.create("DESK", "Desk", "serial")
    site.login("operator")
    form = {"product": "DESK", "quantity": "", "lots": "", "first": "DK000001", "count": "1500"}
    started = site.post("/transfers?kind=receipt", form)
    job_page = started.headers["HX-Redirect"]
    assert job_page.startswith("/jobs/")
    assert "<h1>Receipt</h1>" in site.get(job_page).text
    deadline = time.monotonic() + 30
    while (target := site.get(f"{job_page}/result").headers["location"]) == job_page:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    [receipt] = library.transfers.list("receipt")
    assert target == f"/transfer?name={receipt.name}"
    assert library.transfers.get(receipt.name).lines[0].done_quantity == 1500
