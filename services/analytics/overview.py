"""The dashboard's overview: today, this month and each of the last days, in the viewer's zone."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.analytics.schemas import CurrencyOverview, DayTotals, Overview, Totals
from shared.mongo import Document


def window_start(now: datetime, zone: ZoneInfo, days: int) -> datetime:
    """The earliest instant the overview reads: this month's first day or the first of the
    last `days` days, whichever is earlier, at midnight in `zone`."""
    today = now.astimezone(zone).date()
    first = min(today.replace(day=1), today - timedelta(days=days - 1))
    return datetime.combine(first, time(), zone)


def overview(buckets: Iterable[Document], now: datetime, zone: ZoneInfo, days: int) -> Overview:
    today = now.astimezone(zone).date()
    shown = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    per_day: dict[str, dict[date, Totals]] = defaultdict(lambda: defaultdict(Totals))
    for bucket in buckets:
        day = bucket["start"].astimezone(zone).date()
        per_day[bucket["currency"]][day] = per_day[bucket["currency"]][day].plus(bucket)
    currencies = []
    for currency in sorted(per_day):
        totals = per_day[currency]
        month = Totals()
        for day, day_totals in totals.items():
            if (day.year, day.month) == (today.year, today.month):
                month = month.plus(_counts(day_totals))
        currencies.append(
            CurrencyOverview(
                currency=currency,
                today=totals.get(today, Totals()),
                month=month,
                days=[DayTotals(date=day, **_counts(totals.get(day, Totals()))) for day in shown],
            )
        )
    return Overview(timezone=zone.key, currencies=currencies)


def _counts(totals: Totals) -> dict[str, int]:
    return totals.model_dump(exclude={"success_rate"})
