"""The current time at the precision the store keeps (milliseconds).

A time kept in memory (the resource answered at creation) must compare equal to the same time
read back later, so every stored time is truncated to whole milliseconds first.
"""

from __future__ import annotations

from datetime import UTC, datetime


def to_ms(moment: datetime) -> datetime:
    """`moment` truncated to whole milliseconds, as the store will read it back."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def now_ms() -> datetime:
    """Now in UTC, to the millisecond."""
    return to_ms(datetime.now(UTC))
