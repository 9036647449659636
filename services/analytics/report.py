"""The merchant analytics report: the read model's documents summed into the periods asked for.

A range by day or week reads one document per day; by month, one per whole month and one per
day of the months cut by the range's ends. So a year by month reads at most 12 month documents
and 60 day documents, whatever the number of payments.
"""

from __future__ import annotations

import asyncio
import calendar
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from services.analytics.payers import PayerBook
from services.analytics.periods import PERIODS, TOP_CUSTOMERS, month_of
from services.analytics.schemas import (
    Cohort,
    CountryFigures,
    CurrencyAnalytics,
    FailureCount,
    Figures,
    MerchantAnalytics,
    MethodFigures,
    PeriodFigures,
    RetainedMonth,
    TopCustomer,
)
from shared.mongo import Document

Granularity = Literal["day", "week", "month"]
TOP_CUSTOMERS_SHOWN = 10

Span = tuple[date, date]


def spans_of(start: date, end: date, granularity: Granularity) -> list[Span]:
    """The periods from `start` to `end` (both included), the first and last cut to them."""
    spans = []
    first = start
    while first <= end:
        if granularity == "day":
            last = first
        elif granularity == "week":
            last = first + timedelta(days=6 - first.weekday())
        else:
            last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        last = min(last, end)
        spans.append((first, last))
        first = last + timedelta(days=1)
    return spans


def _whole_month(span: Span) -> bool:
    first, last = span
    return first.day == 1 and last.day == calendar.monthrange(last.year, last.month)[1]


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _add(into: dict[str, Any], counters: dict[str, Any]) -> None:
    """Adds nested counters into `into`."""
    for key, value in counters.items():
        if isinstance(value, dict):
            _add(into.setdefault(key, {}), value)
        else:
            into[key] = into.get(key, 0) + value


def _figures(counters: dict[str, Any]) -> dict[str, int]:
    first = counters.get("firstPayments", 0)
    first_volume = counters.get("firstVolume", 0)
    return {
        "created": counters.get("created", 0),
        "succeeded": counters.get("succeeded", 0),
        "volume": counters.get("volume", 0),
        "failed": counters.get("failed", 0),
        "refunds": counters.get("refunds", 0),
        "refunded": counters.get("refunded", 0),
        "new_customers": first,
        "new_customer_volume": first_volume,
        "returning_payments": counters.get("identified", 0) - first,
        "returning_volume": counters.get("identifiedVolume", 0) - first_volume,
    }


def _by_volume(breakdown: dict[str, dict[str, int]]) -> list[tuple[str, dict[str, int]]]:
    return sorted(breakdown.items(), key=lambda item: (-item[1].get("volume", 0), item[0]))


class MerchantReport:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._periods = db[PERIODS]
        self._top = db[TOP_CUSTOMERS]
        self._payers = PayerBook(db)

    async def read(
        self,
        merchant_id: str,
        mode: str,
        start: date,
        end: date,
        granularity: Granularity,
        currency: str | None,
    ) -> MerchantAnalytics:
        spans = spans_of(start, end, granularity)
        by_month = [span for span in spans if granularity == "month" and _whole_month(span)]
        by_day = [span for span in spans if span not in by_month]
        owner = {"merchantId": merchant_id, "mode": mode}
        projection = {"_id": 0, "start": 1, f"c.{currency}" if currency else "c": 1}
        month_docs, day_docs, cohorts = await asyncio.gather(
            self._find(owner, "month", by_month, projection),
            self._find(owner, "day", by_day, projection),
            self._payers.cohorts(merchant_id, mode),
        )
        months = {doc["start"].date(): doc.get("c", {}) for doc in month_docs}
        days = {doc["start"].date(): doc.get("c", {}) for doc in day_docs}
        per_span: list[dict[str, dict[str, Any]]] = []
        for span in spans:
            summed: dict[str, dict[str, Any]] = {}
            for counters in _counters_of(span, span in by_month, months, days):
                _add(summed, counters)
            per_span.append(summed)
        currencies = sorted({code for summed in per_span for code in summed})
        if currency is not None:
            currencies = [currency]
        tops = await asyncio.gather(*(self._top_customers(owner, code) for code in currencies))
        return MerchantAnalytics(
            merchant_id=merchant_id,
            mode=mode,
            from_=start,
            to=end,
            granularity=granularity,
            currencies=[
                _currency_analytics(code, spans, per_span, top)
                for code, top in zip(currencies, tops, strict=True)
            ],
            cohorts=_cohorts(cohorts, month_of(start), month_of(end)),
        )

    async def _find(
        self, owner: Document, kind: str, spans: list[Span], projection: Document
    ) -> list[Document]:
        if not spans:
            return []
        since, until = _midnight(spans[0][0]), _midnight(spans[-1][1] + timedelta(days=1))
        found = self._periods.find(
            owner | {"kind": kind, "start": {"$gte": since, "$lt": until}}, projection
        ).sort([("start", ASCENDING)])
        return [doc async for doc in found]

    async def _top_customers(self, owner: Document, currency: str) -> list[TopCustomer]:
        found = (
            self._top.find(owner | {"currency": currency}, {"seen": 0})
            .sort([("volume", DESCENDING)])
            .limit(TOP_CUSTOMERS_SHOWN)
        )
        return [
            TopCustomer(
                customer_id=doc["customerId"],
                label=doc.get("label"),
                payments=doc["payments"],
                volume=doc["volume"],
            )
            async for doc in found
        ]


def _counters_of(
    span: Span, whole_month: bool, months: dict[date, Any], days: dict[date, Any]
) -> Iterable[dict[str, Any]]:
    first, last = span
    if whole_month:
        yield months.get(first, {})
        return
    for offset in range((last - first).days + 1):
        yield days.get(first + timedelta(days=offset), {})


def _currency_analytics(
    currency: str,
    spans: list[Span],
    per_span: list[dict[str, dict[str, Any]]],
    top: list[TopCustomer],
) -> CurrencyAnalytics:
    total: dict[str, Any] = {}
    periods = []
    for (first, last), summed in zip(spans, per_span, strict=True):
        counters = summed.get(currency, {})
        _add(total, counters)
        periods.append(PeriodFigures(start=first, end=last, **_figures(counters)))
    return CurrencyAnalytics(
        currency=currency,
        totals=Figures(**_figures(total)),
        periods=periods,
        methods=[
            MethodFigures(method=method, **counts)
            for method, counts in _by_volume(total.get("methods", {}))
        ],
        countries=[
            CountryFigures(country=country, **counts)
            for country, counts in _by_volume(total.get("countries", {}))
        ],
        failures=[
            FailureCount(code=code, count=count)
            for code, count in sorted(
                total.get("failures", {}).items(), key=lambda item: (-item[1], item[0])
            )
            if count
        ],
        top_customers=top,
    )


def _cohorts(cells: dict[str, dict[str, int]], first: str, last: str) -> list[Cohort]:
    """The cohorts of the months from `first` to `last`, each followed up to `last`."""
    cohorts = []
    for month in sorted(cells):
        size = cells[month].get(month, 0)
        if not first <= month <= last or size <= 0:
            continue
        retention = [
            RetainedMonth(month=active, customers=count, rate=count / size)
            for active in _months_from(month, last)
            for count in (cells[month].get(active, 0),)
        ]
        cohorts.append(Cohort(month=month, customers=size, retention=retention))
    return cohorts


def _months_from(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    months = []
    while (current := f"{year:04d}-{month:02d}") <= last:
        months.append(current)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
