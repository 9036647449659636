"""The events analytics reads, as it expects their `data`."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict

from shared.money import MinorUnits
from shared.schemas import Instant, Schema


class PaymentCreatedData(Schema):
    model_config = ConfigDict(extra="ignore")

    payment_id: str
    amount: MinorUnits
    currency: str
    created_at: Instant
    # Test-mode and live-mode data never mix.
    mode: Literal["test", "live"] = "test"


class PaymentOutcomeData(Schema):
    """`payment.completed` and `payment.failed`: counted when they happened."""

    model_config = ConfigDict(extra="ignore")

    payment_id: str
    amount: MinorUnits
    currency: str
    occurred_at: Instant
    mode: Literal["test", "live"] = "test"
    method: str | None = None
    failure_code: str | None = None
    # Who paid and from where, when known (services/payments/events.py, `_payer`).
    customer_id: str | None = None
    customer_label: str | None = None
    country: str | None = None


class RefundIssuedData(Schema):
    model_config = ConfigDict(extra="ignore")

    refund_id: str
    amount: MinorUnits
    currency: str
    created_at: Instant
    mode: Literal["test", "live"] = "test"
