"""Errors of the subscriptions service, each named after the fact it reports."""

from __future__ import annotations

from shared.errors import Conflict, InvalidRequest, PaymentRefused, ResourceNotFound


class PlanNotFound(ResourceNotFound):
    """No plan with this id exists for the caller's merchant and mode."""

    code = "plan_not_found"


class SubscriptionNotFound(ResourceNotFound):
    """No subscription with this id exists for the caller's merchant and mode."""

    code = "subscription_not_found"


class PaymentMethodNotFound(ResourceNotFound):
    """The payment method is not one of the merchant's saved cards in this mode."""

    code = "payment_method_not_found"


class SubscriptionStateConflict(Conflict):
    """The subscription's status does not allow this (pause a canceled one, …), or it changed
    while the request was made."""

    code = "subscription_state_conflict"


class PlanChangeInvalid(InvalidRequest):
    """The new plan cannot replace the current one (same plan, another currency)."""

    code = "plan_change_invalid"


class TestClockRefused(InvalidRequest):
    """Test clocks are for test mode, move forward only, and a limited way at a time."""

    code = "test_clock_refused"


class ProrationDeclined(PaymentRefused):
    """The card was declined for the prorated amount of a plan change; the plan is unchanged.
    The error's code is the decline code (`card_declined`, `insufficient_funds`, …)."""

    type = "card_error"
    code = "card_declined"
