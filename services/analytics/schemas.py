"""Analytics API models."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, computed_field

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


class Breakdown(Schema):
    """Payments that succeeded (and their `volume`) and that failed."""

    succeeded: int = 0
    volume: int = 0
    failed: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def success_rate(self) -> float | None:
        """Succeeded among the payments that finished (succeeded or failed); None before any."""
        finished = self.succeeded + self.failed
        return self.succeeded / finished if finished else None


class Figures(Breakdown):
    """A currency's payments over a period, amounts in its minor units: created; succeeded and
    their `volume`; failed; refunds issued and the amount `refunded`; payments by customers new
    (their first paid payment) and returning (every later one) and their volumes."""

    created: int = 0
    refunds: int = 0
    refunded: int = 0
    new_customers: int = 0
    new_customer_volume: int = 0
    returning_payments: int = 0
    returning_volume: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def net(self) -> int:
        """Volume less the amount refunded."""
        return self.volume - self.refunded

    @computed_field  # type: ignore[prop-decorator]
    @property
    def average_order_value(self) -> int | None:
        """Volume per succeeded payment, rounded to the minor unit; None before any."""
        return round(self.volume / self.succeeded) if self.succeeded else None


class PeriodFigures(Figures):
    """A day, an ISO week (from Monday) or a calendar month, cut to the range asked for."""

    start: dt.date
    end: dt.date


class MethodFigures(Breakdown):
    method: str


class CountryFigures(Breakdown):
    """`country`: ISO 3166-1 alpha-2 of the card's issuer, else of the customer; `unknown`."""

    country: str


class FailureCount(Schema):
    code: str
    count: int


class TopCustomer(Schema):
    customer_id: str
    label: str | None
    payments: int
    volume: int


class CurrencyAnalytics(Schema):
    currency: str
    totals: Figures
    periods: list[PeriodFigures]
    methods: list[MethodFigures]
    countries: list[CountryFigures]
    failures: list[FailureCount]
    # By volume, of all time (not only the range).
    top_customers: list[TopCustomer]


class RetainedMonth(Schema):
    month: str
    customers: int
    rate: float


class Cohort(Schema):
    """Customers whose first paid payment was in `month`, and how many of them paid in each
    month since (the first one included, at rate 1)."""

    month: str
    customers: int
    retention: list[RetainedMonth]


class MerchantAnalytics(Schema):
    merchant_id: str
    mode: str
    from_: dt.date = Field(alias="from")
    to: dt.date
    granularity: Literal["day", "week", "month"]
    currencies: list[CurrencyAnalytics]
    # Cohorts of the months in the range, across currencies.
    cohorts: list[Cohort]
