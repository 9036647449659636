"""Analytics API models."""

from __future__ import annotations

from shared.schemas import Schema


class CurrencyTotal(Schema):
    currency: str
    count: int
    amount: int


class PaymentSummary(Schema):
    merchant_id: str
    mode: str
    payments_created: list[CurrencyTotal]
