"""Subscriptions API models: inputs refuse unknown fields; outputs speak camelCase."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
)

from services.subscriptions.periods import Interval
from shared.identity import Mode
from shared.money import PositiveMinorUnits, normalize_currency
from shared.schemas import Input, Instant, Schema

SubscriptionStatus = Literal[
    "incomplete", "trialing", "active", "past_due", "paused", "canceled", "unpaid"
]
FinalStatus = Literal["canceled", "unpaid"]
InvoiceStatus = Literal["open", "paid", "uncollectible", "void"]
MAX_RETRIES = 10
MAX_RETRY_DAY = 60


def _increasing(days: list[int]) -> list[int]:
    if any(later <= earlier for earlier, later in pairwise(days)):
        raise ValueError("retry days must increase (days after the first failure)")
    return days


RetryDays = Annotated[
    list[Annotated[int, Field(ge=1, le=MAX_RETRY_DAY, strict=True)]],
    Field(max_length=MAX_RETRIES),
    AfterValidator(_increasing),
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# An id of Expe's (`plan_…`, `pm_…`): letters, digits and underscores.
Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_]{1,64}$")]


class PlanCreate(Input):
    name: Name
    amount: PositiveMinorUnits
    currency: str
    interval: Interval
    # Every `intervalCount` intervals: 3 months is a quarterly plan.
    interval_count: Annotated[int, Field(ge=1, le=365, strict=True)] = 1
    trial_days: Annotated[int, Field(ge=0, le=730, strict=True)] = 0
    # Days after a failed renewal on which it is charged again, and the status after the last.
    retry_days: RetryDays | None = None
    final_status: FinalStatus | None = None

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, value: str) -> str:
        return normalize_currency(value)


class Plan(Schema):
    id: str
    name: str
    amount: int
    currency: str
    interval: Interval
    interval_count: int
    trial_days: int
    retry_days: list[int]
    final_status: FinalStatus
    mode: Mode
    created_at: Instant


class Customer(Input):
    email: EmailStr


def _billable(moment: datetime) -> datetime:
    if not EARLIEST <= moment <= LATEST:
        raise ValueError("a test clock runs between 2000 and 2199")
    return moment


# A time a test clock may show: far enough from datetime's limits for periods to be added.
ClockTime = Annotated[AwareDatetime, AfterValidator(_billable)]
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2199, 12, 31, tzinfo=UTC)


class TestClockStart(Input):
    # When the subscription's clock starts; now when left out.
    frozen_time: ClockTime | None = None


class SubscriptionCreate(Input):
    plan_id: Id
    customer: Customer
    # A saved card (`pm_…`, POST /api/v1/payment-methods) of the merchant, charged each period.
    payment_method_id: Id
    # Test mode: the subscription runs on a clock of its own, moved on by
    # POST /api/v1/subscriptions/{id}/test-clock/advance.
    test_clock: TestClockStart | None = None


class CancelRequest(Input):
    # At the end of the period paid for, rather than now.
    at_period_end: bool = False


class ChangePlanRequest(Input):
    plan_id: Id


class PaymentMethodChange(Input):
    payment_method_id: Id


class AdvanceRequest(Input):
    frozen_time: ClockTime


class PlanSummary(Schema):
    name: str
    amount: int
    currency: str
    interval: Interval
    interval_count: int


class Dunning(Schema):
    invoice_id: str
    # Failed charges of that invoice so far.
    attempt: int
    next_attempt_at: Instant | None


class TestClock(Schema):
    frozen_time: Instant


class CustomerOut(Schema):
    email: str


class Subscription(Schema):
    id: str
    plan_id: str
    plan: PlanSummary
    status: SubscriptionStatus
    customer: CustomerOut
    payment_method_id: str
    current_period_start: Instant
    current_period_end: Instant
    trial_end: Instant | None
    cancel_at_period_end: bool
    canceled_at: Instant | None
    paused_at: Instant | None
    dunning: Dunning | None
    test_clock: TestClock | None
    latest_invoice_id: str | None
    # Owed to the customer (a downgrade's proration), taken off the next invoices.
    credit_balance: int
    mode: Mode
    created_at: Instant
    updated_at: Instant


class InvoiceLine(Schema):
    description: str
    amount: int


class ChargeAttempt(Schema):
    payment_id: str
    status: Literal["succeeded", "failed"]
    failure_code: str | None
    at: Instant


class Invoice(Schema):
    id: str
    subscription_id: str
    # The period it bills (1 for the first); a plan change's proration bills no period (0).
    number: int
    period_start: Instant
    period_end: Instant
    amount: int
    currency: str
    status: InvoiceStatus
    attempts: list[ChargeAttempt]
    paid_at: Instant | None
    lines: list[InvoiceLine]
    created_at: Instant


def plan_out(doc: dict[str, Any]) -> Plan:
    return Plan.model_validate({**doc, "id": doc["_id"]})
