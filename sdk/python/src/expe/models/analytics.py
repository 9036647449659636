"""Counts and volumes of the merchant's payments, and its rate limits."""

from __future__ import annotations

import datetime as dt

from expe.models._base import ExpeModel


class CurrencyTotal(ExpeModel):
    currency: str
    count: int
    amount: int


class PaymentSummary(ExpeModel):
    merchant_id: str
    mode: str
    payments_created: list[CurrencyTotal]


class Totals(ExpeModel):
    """Payments created (`count`), succeeded (and their `volume`), failed, and refunds with the
    amount `refunded`, in minor units."""

    count: int = 0
    succeeded: int = 0
    volume: int = 0
    failed: int = 0
    refunds: int = 0
    refunded: int = 0
    success_rate: float | None = None


class DayTotals(Totals):
    date: dt.date


class CurrencyOverview(ExpeModel):
    currency: str
    today: Totals
    month: Totals
    days: list[DayTotals]


class Overview(ExpeModel):
    timezone: str
    currencies: list[CurrencyOverview]


class RateLimitBucket(ExpeModel):
    name: str
    limit: int
    window_seconds: float
    remaining: int
    reset_seconds: float


class RateLimits(ExpeModel):
    enabled: bool
    data: list[RateLimitBucket]


class RequestLog(ExpeModel):
    """One API request made with the key: what `expe logs tail` prints."""

    id: str
    at: dt.datetime
    method: str
    path: str
    status: int
    request_id: str | None = None
    duration_ms: float | None = None


class RequestLogList(ExpeModel):
    """The newest requests first; `has_more` when older ones were left out."""

    data: list[RequestLog]
    has_more: bool = False
