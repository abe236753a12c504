"""Fixtures of the web tests: the ASGI app through TestClient (fast, both databases) and,
for the browser tests, one Chromium and one ``lotline serve`` per test session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import lotline
from lotline.api import create_app
from lotline.app import Lotline
from tests.web.browser import (
    HOW_TO_INSTALL,
    PASSWORD,
    ROOT,
    SCREENSHOTS_ENV,
    add_users,
    chromium,
    served,
)

# --- the ASGI app through TestClient --------------------------------------------------


@dataclass
class Browser:
    """A TestClient that logs in like a browser and sends htmx's headers."""

    client: TestClient
    url: str
    users: set[str] = field(default_factory=set)

    def csrf(self) -> str:
        return str(self.client.cookies.get("csrftoken", ""))

    def ensure(self, role: str) -> None:
        """A user named after its role (added on first use: hashing a password is slow)."""
        if role not in self.users:
            with lotline.open(self.url, user="setup") as app:
                app.users.add(role, role, PASSWORD.format(role=role))
            self.users.add(role)

    def login(self, role: str) -> Any:
        self.ensure(role)
        self.client.get("/login")
        return self.post("/login", {"name": role, "password": PASSWORD.format(role=role)})

    def post(self, path: str, data: Any = None, **headers: str) -> Any:
        sent = {"HX-Request": "true", "x-csrftoken": self.csrf(), **headers}
        return self.client.post(path, data=data, headers=sent, follow_redirects=False)

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(path, follow_redirects=False, **kw)


@pytest.fixture
def site(db_url: str) -> Iterator[Browser]:
    with TestClient(create_app(db_url), raise_server_exceptions=True) as client:
        yield Browser(client, db_url)


@pytest.fixture
def library(site: Browser) -> Iterator[Lotline]:
    with lotline.open(site.url, user="setup") as app:
        yield app


# --- the browser ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    binary = chromium()
    if binary is None:
        pytest.skip(HOW_TO_INSTALL)
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        pytest.skip("Playwright is not installed (pip install -e '.[dev]'); browser tests skipped")
    expect.set_options(timeout=15_000)  # a busy 2-core machine runs the suite beside them
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=binary, headless=True)
        yield browser
        browser.close()


@dataclass
class Served:
    base: str
    url: str


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One ``lotline serve`` on a fresh SQLite database for the session (per xdist worker)."""
    folder = tmp_path_factory.mktemp("served")
    url = f"sqlite:///{folder / 'browser.db'}"
    with lotline.open(url, user="setup"):
        pass
    add_users(url)
    with served(url, folder / "serve.log") as base:
        yield Served(base, url)


@pytest.fixture
def data(server: Served) -> Iterator[Lotline]:
    """The served database, through the library, to set up what a test starts from."""
    with lotline.open(server.url, user="setup") as app:
        yield app


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: $LOTLINE_SCREENSHOTS (docs/screenshots for the README), or a
    temporary folder."""
    chosen = os.environ.get(SCREENSHOTS_ENV)
    if chosen:
        folder = Path(chosen) if Path(chosen).is_absolute() else ROOT / chosen
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def open_as(chromium_browser: Any, server: Served) -> Iterator[Any]:
    """``open_as(role)``: a logged-in page of a new browser context (tablet-wide)."""
    contexts = []

    def open_page(role: str, width: int = 1280) -> Any:
        context = chromium_browser.new_context(
            base_url=server.base, viewport={"width": width, "height": 900}, accept_downloads=True
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("User").fill(role)
        page.get_by_label("Password").fill(PASSWORD.format(role=role))
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/products")
        return page

    yield open_page
    for context in contexts:
        context.close()
