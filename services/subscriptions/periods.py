"""Billing periods and proration: pure arithmetic on times and minor units.

Periods are counted from an anchor (the start of a numbered period), never chained from the last
end: a monthly plan anchored on 31 January ends its periods on 28 February, 31 March, 30 April,
so a short month does not move every later renewal.
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta
from typing import Literal

Interval = Literal["day", "week", "month", "year"]
_DAYS = {"day": 1, "week": 7}
_MONTHS = {"month": 1, "year": 12}


def _add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def shifted(anchor: datetime, interval: Interval, count: int, periods: int) -> datetime:
    """The time `periods` periods of `count` intervals after `anchor`."""
    if interval in _DAYS:
        return anchor + timedelta(days=_DAYS[interval] * count * periods)
    return _add_months(anchor, _MONTHS[interval] * count * periods)


def prorated(amount: int, remaining: timedelta, length: timedelta) -> int:
    """The part of `amount` that `remaining` of a period of `length` is worth, rounded down to
    a whole minor unit (so a credit never exceeds what was paid)."""
    if length <= timedelta(0) or remaining <= timedelta(0):
        return 0
    remaining_ms = min(remaining, length) // timedelta(milliseconds=1)
    return amount * remaining_ms // (length // timedelta(milliseconds=1))
