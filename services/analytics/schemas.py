"""Analytics API models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class _Schema(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class CurrencyTotal(_Schema):
    currency: str
    count: int
    amount: int


class PaymentSummary(_Schema):
    merchant_id: str
    mode: str
    payments_created: list[CurrencyTotal]
