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


class RefundIssuedData(Schema):
    model_config = ConfigDict(extra="ignore")

    refund_id: str
    amount: MinorUnits
    currency: str
    created_at: Instant
    mode: Literal["test", "live"] = "test"
