"""The one check of each kind of input: whole numbers, ids, choices, flags, lists, lookups."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lotline.errors import InvalidInput, InvalidQuantity, UnknownProduct
from lotline.rules.inputs import (
    MAX_ID,
    MAX_INT64,
    flag,
    instances_of,
    items_of,
    mapping,
    moment,
    name_list,
    one_of,
    record_id,
    whole_number,
)
from lotline.rules.text import as_text, clean_text, described, lookup_text, plain_text


@given(st.integers(min_value=0, max_value=MAX_INT64))
def test_a_whole_number_in_range_is_kept(value: int) -> None:
    assert whole_number(value, "count") == value


@given(st.one_of(st.integers(max_value=-1), st.integers(min_value=MAX_INT64 + 1)))
def test_a_whole_number_out_of_the_64_bit_range_is_refused_naming_the_field(value: int) -> None:
    with pytest.raises(
        InvalidInput, match=r"^The count must be a whole number from 0 to"
    ) as caught:
        whole_number(value, "count")
    assert caught.value.details["field"] == "count"


@pytest.mark.parametrize("value", ["3", 3.0, True, None, [3], {"a": 1}])
def test_what_is_not_a_whole_number_is_refused(value: object) -> None:
    with pytest.raises(InvalidQuantity, match="must be a whole number"):
        whole_number(value, "number of serials", error=InvalidQuantity)


def test_a_refused_number_names_the_callers_field_and_shows_a_huge_one_by_its_size() -> None:
    with pytest.raises(InvalidInput) as caught:
        whole_number(10**5000, "alert days", field="alert_days", maximum=36_500)
    assert caught.value.details == {"field": "alert_days", "value": "a number of 16610 bits"}
    assert "a number of 16610 bits" in str(caught.value)


def test_an_id_must_fit_an_id_column() -> None:
    assert record_id(MAX_ID, "document id") == MAX_ID
    for value in (MAX_ID + 1, 2**63, -(2**63) - 1):
        with pytest.raises(InvalidInput, match="document id"):
            record_id(value, "document id")


def test_one_of_takes_a_choice_and_refuses_anything_else() -> None:
    assert one_of("done", ("draft", "done"), "state") == "done"
    for value in (["done"], {"done": 1}, "Done", None, True):
        with pytest.raises(InvalidInput, match=r"The state .* is not one of draft, done"):
            one_of(value, ("draft", "done"), "state")


def test_a_flag_is_true_or_false_only() -> None:
    assert flag(True, "force") is True
    for value in (1, "yes", "False", None):
        with pytest.raises(InvalidInput, match="option is True or False"):
            flag(value, "force")


def test_a_name_list_is_a_list_of_texts_and_one_text_is_no_list() -> None:
    assert name_list(("A", "B"), "serial numbers") == ["A", "B"]
    assert name_list(iter(["A"]), "serial numbers") == ["A"]
    for value in ("XYZ", b"XY", {"X": 1}, 5, None):
        with pytest.raises(InvalidInput, match="must be a list"):
            name_list(value, "serial numbers")
    with pytest.raises(InvalidInput, match="Item 2 of the serial numbers must be text") as caught:
        name_list(["A", 7], "serial numbers")
    assert caught.value.details == {"field": "serial numbers", "position": 2, "value": "7"}


def test_items_mappings_and_instances_are_checked_by_kind() -> None:
    assert sorted(items_of({2, 1}, "counts")) == [1, 2]
    with pytest.raises(InvalidInput, match="must be a list"):
        items_of(0, "counts")
    assert mapping({"PL": 1}, "components", "{product: quantity}") == {"PL": 1}
    with pytest.raises(InvalidInput, match=r"given as \{product: quantity\}, not 1.5"):
        mapping(1.5, "components", "{product: quantity}")
    with pytest.raises(InvalidInput, match="Item 1 of the counts must be a pending count"):
        instances_of([1], str, "counts", "a pending count")


def test_plain_text_is_any_text_but_only_text() -> None:
    assert plain_text("A\nB", "text box") == "A\nB"
    with pytest.raises(InvalidInput, match="The text box must be text, not 5"):
        plain_text(5, "text box")


@pytest.mark.parametrize("value", ["a\x00", "a\udc80", "a\u200b", "x" * 65])
def test_a_lookup_no_stored_name_can_match_is_refused_before_the_database(value: str) -> None:
    with pytest.raises(UnknownProduct, match="There is no product code") as caught:
        lookup_text(value, "product code", limit=64, error=UnknownProduct, key="product")
    shown = caught.value.details["product"]
    shown.encode("utf-8")  # printable: a lone surrogate is escaped
    assert str(caught.value).encode("utf-8")


def test_a_lookup_is_trimmed_and_must_be_text() -> None:
    assert lookup_text(" WOOD ", "code", limit=64, error=UnknownProduct, key="product") == "WOOD"
    with pytest.raises(UnknownProduct, match="A code is given as text, not 5"):
        lookup_text(5, "code", limit=64, error=UnknownProduct, key="product")


def test_values_are_shown_without_failing_whatever_they_are() -> None:
    class Hostile:
        def __repr__(self) -> str:
            raise RuntimeError("no")

    assert described(10**5000) == "a number of 16610 bits"
    assert described(-(10**5000)) == "-a number of 16610 bits"
    assert described("a\udc80") == "'a\\\\udc80'"
    assert described(Hostile()) == "a Hostile"
    assert len(described(list(range(1000)))) <= 43
    assert as_text(3) == "3" and as_text("a\udc80") == "a\\udc80"
    assert as_text(10**5000) == "a number of 16610 bits"


def test_a_moment_is_stored_as_naive_utc() -> None:
    paris = timezone(timedelta(hours=1))
    assert moment(datetime(2030, 1, 1, 1, tzinfo=paris), "date") == datetime(2030, 1, 1)
    assert moment(datetime(2030, 1, 1, tzinfo=UTC), "date") == datetime(2030, 1, 1)
    assert moment(date(2030, 1, 2), "date") == datetime(2030, 1, 2)
    with pytest.raises(InvalidInput, match="The use date must be a date and time, not '2030'"):
        moment("2030", "use date")


def test_a_multiline_text_keeps_its_line_breaks_but_no_other_control_character() -> None:
    assert clean_text(" a\r\nb\tc ", "note", limit=50, multiline=True) == "a\r\nb\tc"
    with pytest.raises(InvalidInput, match="U\\+000A"):
        clean_text("a\nb", "name", limit=50)
    with pytest.raises(InvalidInput, match="U\\+0000"):
        clean_text("a\n\x00", "note", limit=50, multiline=True)
