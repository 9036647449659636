"""Time at the precision the store keeps (milliseconds), and the one way a time is written out.

A time kept in memory (the resource answered at creation) must compare equal to the same time
read back later, so every stored time is truncated to whole milliseconds first. Written out (API
answers, event payloads, webhook bodies) a time is RFC 3339 in UTC with milliseconds and `Z`,
`2025-01-31T10:15:02.417Z`, whether it was just made or read back from the store.
"""

from __future__ import annotations

from datetime import UTC, datetime


def to_ms(moment: datetime) -> datetime:
    """`moment` truncated to whole milliseconds, as the store will read it back."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def now_ms() -> datetime:
    """Now in UTC, to the millisecond."""
    return to_ms(datetime.now(UTC))


def instant_text(moment: datetime) -> str:
    """`moment` as the API writes every time: `2025-01-31T10:15:02.417Z` (a time without a zone
    is one the store gave back in UTC)."""
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"
