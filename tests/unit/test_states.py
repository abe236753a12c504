"""The one table of which action may start from which state of a document, and end in which."""

import pytest

from lotline.rules import states
from lotline.rules.states import (
    CANCELLED,
    CLOSED_STATES,
    CONFIRMED,
    DONE,
    DRAFT,
    OPEN_STATES,
    READY,
    STATES,
    TRANSFER_KINDS,
)

EXPECTED = {
    "transfer": {
        "reserve": ({DRAFT, CONFIRMED, READY}, {CONFIRMED, READY}),
        "set_lots": ({DRAFT, CONFIRMED, READY}, {DRAFT, CONFIRMED, READY}),
        "validate": ({DRAFT, CONFIRMED, READY}, {DONE}),
        "cancel": ({DRAFT, CONFIRMED, READY}, {CANCELLED}),
        "return": ({DONE}, set()),
    },
    "manufacturing": {
        "confirm": ({DRAFT}, {CONFIRMED}),
        "set_component_lots": ({DRAFT, CONFIRMED}, {CONFIRMED}),
        "set_lot": ({CONFIRMED}, {CONFIRMED}),
        "produce": ({DRAFT, CONFIRMED}, {CONFIRMED, DONE}),
        "cancel": ({DRAFT, CONFIRMED}, {CANCELLED}),
    },
    "adjustment": {"revert": ({DONE}, set())},
    "scrap": {},
}


def expected_for(kind: str) -> dict[str, tuple[set[str], set[str]]]:
    return EXPECTED["transfer" if kind in TRANSFER_KINDS else kind]


EVERY_ACTION = [(kind, action) for kind in states.KINDS for action in states.TRANSITIONS[kind]]


@pytest.mark.parametrize("kind", states.KINDS)
def test_each_kind_knows_exactly_its_actions_with_their_sources_and_targets(kind: str) -> None:
    table = {
        action: (set(step.sources), set(step.targets))
        for action, step in states.TRANSITIONS[kind].items()
    }
    assert table == expected_for(kind)


def test_the_open_and_closed_states_split_the_five_states() -> None:
    assert set(OPEN_STATES) | set(CLOSED_STATES) == set(STATES)
    assert not set(OPEN_STATES) & set(CLOSED_STATES)
    assert len(STATES) == 5


@pytest.mark.parametrize(("kind", "action"), EVERY_ACTION)
def test_an_action_is_allowed_exactly_from_its_sources(kind: str, action: str) -> None:
    sources, targets = expected_for(kind)[action]
    for state in STATES:
        allowed = states.refusal(kind, action, "DOC/1", state) is None
        assert allowed == (state in sources)
        assert states.may_end_in(kind, action, state) == (state in targets)


@pytest.mark.parametrize(("kind", "action"), EVERY_ACTION)
def test_a_refusal_names_the_document_and_its_state(kind: str, action: str) -> None:
    step = states.transition(kind, action)
    for state in set(STATES) - step.sources:
        why = states.refusal(kind, action, "WH/OUT/00007", state)
        assert why is not None
        assert why.startswith(f"Cannot {step.verb} WH/OUT/00007: it is {state}")


@pytest.mark.parametrize(("kind", "action"), EVERY_ACTION)
def test_done_and_cancelled_documents_never_change_state(kind: str, action: str) -> None:
    step = states.transition(kind, action)
    assert states.refusal(kind, action, "DOC/1", CANCELLED) is not None
    if step.targets:
        assert states.refusal(kind, action, "DOC/1", DONE) is not None
    else:
        assert step.sources == {DONE}


def test_the_refusal_of_a_closed_document_says_why() -> None:
    assert states.refusal("delivery", "validate", "WH/OUT/1", DONE) == (
        "Cannot validate WH/OUT/1: it is done, and a done document is never changed."
    )
    assert states.refusal("receipt", "cancel", "WH/IN/1", CANCELLED) == (
        "Cannot cancel WH/IN/1: it is cancelled, and a cancelled document stays cancelled."
    )
    assert states.refusal("internal", "return", "WH/INT/1", READY) == (
        "Cannot return WH/INT/1: it is ready, and only a done document can be changed this way."
    )


def test_a_state_changed_by_someone_else_is_said_so() -> None:
    why = states.refusal("delivery", "validate", "WH/OUT/3", DONE, changed=True)
    assert why == "WH/OUT/3 was just changed by another user: it is now done."
    assert states.refusal("delivery", "validate", "WH/OUT/3", READY, changed=True) is None


def test_unknown_actions_are_not_allowed_and_have_no_entry() -> None:
    assert states.allows("receipt", "validate")
    assert not states.allows("adjustment", "validate")
    assert not states.allows("nonsense", "validate")
    with pytest.raises(KeyError):
        states.transition("scrap", "cancel")
