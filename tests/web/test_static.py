"""The web application's files: vendored files as recorded, nothing loaded from the internet,
and refusals placed on the field they are about (no database needed)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from lotline.errors import InvalidList, InvalidQuantity, UnknownLocation, UnknownProduct
from lotline.web.pages import refusal

WEB = Path(__file__).resolve().parents[2] / "lotline" / "web"


def test_every_vendored_file_has_the_recorded_sha256() -> None:
    recorded = re.findall(
        r"^\| (\S+) \|.*\| ([0-9a-f]{64}) \|$",
        (WEB / "static" / "VENDORED.md").read_text(),
        re.MULTILINE,
    )
    assert {name for name, _ in recorded} == {"htmx.min.js", "sse.min.js", "pico.min.css"}
    for name, digest in recorded:
        assert hashlib.sha256((WEB / "static" / name).read_bytes()).hexdigest() == digest, name


def test_no_template_loads_anything_from_another_site() -> None:
    for template in (WEB / "templates").glob("*.html"):
        text = template.read_text()
        assert not re.search(r"(src|href)=\"(https?:)?//", text), template.name


def test_a_refusal_goes_to_the_field_it_is_about_when_the_form_has_it() -> None:
    unknown = UnknownLocation("There is no location 'WH/Nope'.", details={"location": "WH/Nope"})
    assert refusal(unknown, ("location", "quantity")).field == "location"
    assert refusal(unknown, ("product",)).field is None
    bad = InvalidQuantity("The quantity 'x' is not a number.", details={"field": "quantity"})
    assert refusal(bad, ("quantity",)).field == "quantity"
    named = UnknownProduct("No product 'X'.", details={"field": "product code"})
    assert refusal(named, ("code",)).field == "code"


def test_a_refused_list_keeps_every_bad_line() -> None:
    placed = refusal(InvalidList(["line 2: repeated", "line 5: not a number"]), ("lots",))
    assert placed.field == "lots"
    assert placed.problems == ("line 2: repeated", "line 5: not a number")
    assert placed.message.startswith("The list has 2 problems")
