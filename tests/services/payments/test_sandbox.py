"""Pure logic: the sandbox card processor, the state machine, derived event ids."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import get_args

import pytest

from services.payments.events import derived_event_id
from services.payments.sandbox import brand_of, charge_card, fingerprint, luhn_valid
from services.payments.states import TRANSITIONS, PaymentStatus, can_transition, described
from shared.ids import has_prefix

NOW = datetime(2026, 6, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("4242424242424242", True),
        ("4000000000000002", True),
        ("5555555555554444", True),
        ("378282246310005", True),
        ("4242424242424241", False),
        ("42424242424242a2", False),
        ("4242", False),
    ],
)
def test_luhn(number: str, valid: bool) -> None:
    assert luhn_valid(number) is valid


@pytest.mark.parametrize(
    ("number", "brand"),
    [
        ("4242424242424242", "visa"),
        ("5555555555554444", "mastercard"),
        ("2223003122003222", "mastercard"),
        ("378282246310005", "amex"),
        ("6521000000000001", "rupay"),
        ("9999999999999995", "unknown"),
    ],
)
def test_brands(number: str, brand: str) -> None:
    assert brand_of(number) == brand


def test_outcomes_of_the_test_cards() -> None:
    assert charge_card("4242424242424242", 12, 2030, "123", NOW).approved
    assert charge_card("4000000000009995", 12, 2030, "123", NOW).decline_code == (
        "insufficient_funds"
    )
    assert charge_card("4242424242424242", 5, 2026, "123", NOW).decline_code == "expired_card"
    assert charge_card("4242424242424242", 6, 2026, "123", NOW).approved  # valid to month end


def test_fingerprints_depend_on_the_secret() -> None:
    assert fingerprint("4242424242424242", "a") == fingerprint("4242424242424242", "a")
    assert fingerprint("4242424242424242", "a") != fingerprint("4242424242424242", "b")


def test_terminal_states_have_no_way_out() -> None:
    for state in ("succeeded", "failed", "canceled", "expired"):
        assert TRANSITIONS[state] == frozenset()
    assert can_transition("created", "processing") and can_transition("processing", "canceled")
    assert not can_transition("created", "succeeded")
    assert not can_transition("processing", "expired")


def test_every_state_reads_as_a_sentence_in_error_messages() -> None:
    assert set(get_args(PaymentStatus)) == set(TRANSITIONS)
    assert {state: described(state) for state in TRANSITIONS} == {
        "created": "has not been confirmed yet",
        "processing": "is being processed",
        "succeeded": "has already succeeded",
        "failed": "has failed",
        "canceled": "has been canceled",
        "expired": "has expired",
    }


def test_derived_event_ids_are_stable_well_formed_ids() -> None:
    first = derived_event_id("pay_x:new")
    assert first == derived_event_id("pay_x:new") != derived_event_id("pay_x:created")
    assert has_prefix(first, "evt")
