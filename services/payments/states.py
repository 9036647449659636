"""The payment state machine, in one place.

created -> processing -> succeeded | failed; created | processing -> canceled; created -> expired.

Every state is entered at most once, so leaving a state is a unique event: a transition is
claimed by inserting the document `_id = f"{paymentId}:{fromState}"` (`shared.claims`), and only
the claimant applies it. Creation is the entry
`f"{paymentId}:new"`.
"""

from __future__ import annotations

from typing import Literal

from shared.errors import ExpeError

PaymentStatus = Literal["created", "processing", "succeeded", "failed", "canceled", "expired"]
NEW = "new"

TRANSITIONS: dict[str, frozenset[str]] = {
    "created": frozenset({"processing", "canceled", "expired"}),
    "processing": frozenset({"succeeded", "failed", "canceled"}),
    "succeeded": frozenset(),
    "failed": frozenset(),
    "canceled": frozenset(),
    "expired": frozenset(),
}
# The states a payment can leave, in the order it passes through them (for its timeline).
EXITS = (NEW, "created", "processing")


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


# "This payment {…}": each state as a sentence says it.
_AS_SAID: dict[str, str] = {
    "created": "has not been confirmed yet",
    "processing": "is being processed",
    "succeeded": "has already succeeded",
    "failed": "has failed",
    "canceled": "has been canceled",
    "expired": "has expired",
}


def described(status: str) -> str:
    """`This payment {described(status)}`: "has already succeeded", "has been canceled", …"""
    return _AS_SAID[status]


def check_transition(current: str, target: str, error: type[ExpeError], action: str) -> None:
    """Raises `error` unless a payment in `current` may move to `target`."""
    if not can_transition(current, target):
        raise error(f"This payment {described(current)}; it cannot be {action}.")


def transition_id(payment_id: str, from_state: str) -> str:
    return f"{payment_id}:{from_state}"
