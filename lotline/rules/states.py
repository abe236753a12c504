"""Document states and the one table of what each action may do in each state.

Every kind of document (receipt, delivery, internal transfer, inventory
adjustment, manufacturing order) lives through the same five states; which
action is allowed from which state, and into which, is written once here.
Services change a state only through ``services.documents``, which locks the
row and checks this table.
"""

from __future__ import annotations

from dataclasses import dataclass

DRAFT = "draft"
CONFIRMED = "confirmed"
READY = "ready"
DONE = "done"
CANCELLED = "cancelled"

STATES = (DRAFT, CONFIRMED, READY, DONE, CANCELLED)
OPEN_STATES = (DRAFT, CONFIRMED, READY)
CLOSED_STATES = (DONE, CANCELLED)

TRANSFER_KINDS = ("receipt", "delivery", "internal")
KINDS = (*TRANSFER_KINDS, "adjustment", "manufacturing", "scrap")

_OPEN = frozenset(OPEN_STATES)


@dataclass(frozen=True, slots=True)
class Transition:
    """An action: the states it may start from and the states it may leave behind."""

    verb: str
    sources: frozenset[str]
    targets: frozenset[str]


def _t(verb: str, sources: frozenset[str], *targets: str) -> Transition:
    return Transition(verb, sources, frozenset(targets))


_TRANSFER = {
    "reserve": _t("reserve", _OPEN, CONFIRMED, READY),
    "set_lots": _t("change the lots of", _OPEN, DRAFT, CONFIRMED, READY),
    "validate": _t("validate", _OPEN, DONE),
    "cancel": _t("cancel", _OPEN, CANCELLED),
    "return": _t("return", frozenset({DONE})),
}
_MANUFACTURING = {
    "confirm": _t("confirm", frozenset({DRAFT}), CONFIRMED),
    "set_component_lots": _t(
        "choose the component lots of", frozenset({DRAFT, CONFIRMED}), CONFIRMED
    ),
    "set_lot": _t("set the lot of", frozenset({CONFIRMED}), CONFIRMED),
    "produce": _t("produce", frozenset({DRAFT, CONFIRMED}), CONFIRMED, DONE),
    "cancel": _t("cancel", frozenset({DRAFT, CONFIRMED}), CANCELLED),
}
_ADJUSTMENT = {
    "revert": _t("revert", frozenset({DONE})),
}

TRANSITIONS: dict[str, dict[str, Transition]] = {
    **dict.fromkeys(TRANSFER_KINDS, _TRANSFER),
    "manufacturing": _MANUFACTURING,
    "adjustment": _ADJUSTMENT,
    "scrap": {},
}

_WHY = {
    DONE: "a done document is never changed",
    CANCELLED: "a cancelled document stays cancelled",
}


def transition(kind: str, action: str) -> Transition:
    """The table entry of ``action`` on a document of ``kind``; KeyError if it has none."""
    return TRANSITIONS[kind][action]


def allows(kind: str, action: str) -> bool:
    """Whether documents of ``kind`` know ``action`` at all."""
    return action in TRANSITIONS.get(kind, {})


def refusal(kind: str, action: str, name: str, state: str, *, changed: bool = False) -> str | None:
    """Why ``action`` cannot be done on document ``name`` in ``state``; None when it can.

    ``changed``: the state was changed by another user since the caller last read it.
    """
    step = transition(kind, action)
    if state in step.sources:
        return None
    if changed:
        return changed_by_another_user(name, state)
    allowed = " or ".join(s for s in STATES if s in step.sources)
    why = _WHY.get(state, f"only a {allowed} document can be changed this way")
    return f"Cannot {step.verb} {name}: it is {state}, and {why}."


def changed_by_another_user(name: str, state: str) -> str:
    """The refusal of an action on a document another user changed since it was read."""
    return f"{name} was just changed by another user: it is now {state}."


def may_end_in(kind: str, action: str, state: str) -> bool:
    """Whether ``action`` may leave a document of ``kind`` in ``state``."""
    return state in transition(kind, action).targets
