"""The current time at the precision MongoDB keeps (milliseconds).

A resource answered at creation then equals the same resource read back later.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)
