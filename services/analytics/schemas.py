"""Analytics API models."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import computed_field

from shared.schemas import Schema


class CurrencyTotal(Schema):
    currency: str
    count: int
    amount: int


class PaymentSummary(Schema):
    merchant_id: str
    mode: str
    payments_created: list[CurrencyTotal]


class Totals(Schema):
    """Payments created, succeeded (and their `volume`), failed, and refunds issued, with the
    amount refunded; amounts in minor units of the currency."""

    count: int = 0
    succeeded: int = 0
    volume: int = 0
    failed: int = 0
    refunds: int = 0
    refunded: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def success_rate(self) -> float | None:
        """Succeeded among the payments that finished (succeeded or failed); None before any."""
        finished = self.succeeded + self.failed
        return self.succeeded / finished if finished else None

    def plus(self, counts: Mapping[str, Any]) -> Totals:
        """These totals with a bucket's (or other totals') counts added."""
        created = counts.get("created", counts.get("count", 0))
        return Totals(
            count=self.count + created,
            succeeded=self.succeeded + counts.get("succeeded", 0),
            volume=self.volume + counts.get("volume", 0),
            failed=self.failed + counts.get("failed", 0),
            refunds=self.refunds + counts.get("refunds", 0),
            refunded=self.refunded + counts.get("refunded", 0),
        )


class DayTotals(Totals):
    date: dt.date


class CurrencyOverview(Schema):
    currency: str
    today: Totals
    month: Totals
    days: list[DayTotals]


class Overview(Schema):
    timezone: str
    currencies: list[CurrencyOverview]
