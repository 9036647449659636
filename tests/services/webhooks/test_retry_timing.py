"""When the next attempt is due: Retry-After parsing and the jittered schedule."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any, cast

import pytest

from services.webhooks.delivery import retry_after_seconds
from services.webhooks.dispatcher import Dispatcher
from services.webhooks.settings import WebhooksSettings

NOW = datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("0", 0.0),
        (format_datetime(NOW + timedelta(seconds=90), usegmt=True), 90.0),
        ("Mon, 06 May 2030 07:08:39 GMT", 30.0),
        (format_datetime(NOW - timedelta(hours=1), usegmt=True), 0.0),
        ("soon", None),
        ("-5", None),
        ("1.5", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_in_seconds_or_as_an_http_date(
    value: str | None, seconds: float | None
) -> None:
    assert retry_after_seconds(value, NOW) == seconds


def _dispatcher(rng: Any = random.random, **settings: Any) -> Dispatcher:
    options = WebhooksSettings(env="test", **settings)
    nothing = cast(Any, None)
    return Dispatcher(nothing, nothing, nothing, nothing, options, asyncio.Event(), rng=rng)


def test_each_delay_stays_within_the_jitter_of_the_schedule() -> None:
    dispatcher = _dispatcher(retry_schedule_seconds=[0, 10, 100], retry_jitter=0.2)
    delays = [dispatcher._delay(2, None) for _ in range(500)]
    assert all(80 <= d <= 120 for d in delays)
    assert max(delays) - min(delays) > 20  # spread, not one value


def test_the_jitter_bounds_are_reached_at_the_rngs_extremes() -> None:
    low = _dispatcher(lambda: 0.0, retry_schedule_seconds=[0, 10], retry_jitter=0.1)
    high = _dispatcher(lambda: 0.999999, retry_schedule_seconds=[0, 10], retry_jitter=0.1)
    assert low._delay(1, None) == pytest.approx(9.0)
    assert high._delay(1, None) == pytest.approx(11.0, abs=1e-4)


def test_retry_after_stretches_a_shorter_delay_up_to_the_cap() -> None:
    dispatcher = _dispatcher(
        lambda: 0.5, retry_schedule_seconds=[0, 10], max_retry_after_seconds=60
    )
    assert dispatcher._delay(1, 30) == 30
    assert dispatcher._delay(1, 3) == 10
    assert dispatcher._delay(1, 3600) == 60
