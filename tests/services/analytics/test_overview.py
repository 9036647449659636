"""The overview counts each event once in the quarter hour it happened, and shows days, today
and the month in the viewer's time zone."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pymongo.asynchronous.database import AsyncDatabase

from services.analytics.overview import overview, window_start
from services.analytics.store import BUCKETED_EVENTS, PAYMENT_BUCKETS, PaymentBuckets

KOLKATA = ZoneInfo("Asia/Kolkata")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)


async def count(buckets: PaymentBuckets, event_id: str, when: datetime, **counts: int) -> bool:
    return await buckets.count(
        event_id=event_id, merchant_id="mer_1", mode="test", currency="INR", at=when, counts=counts
    )


async def test_an_event_delivered_again_or_cut_short_by_a_crash_counts_once(
    db: AsyncDatabase[dict],
) -> None:
    buckets = PaymentBuckets(db)
    assert await count(buckets, "evt_1", at(1, 10, 5), succeeded=1, volume=49_900)
    assert not await count(buckets, "evt_1", at(1, 10, 5), succeeded=1, volume=49_900)
    # A crash after the increment, before the event's record said so: redelivery finishes it.
    stopped = datetime.now(UTC) - timedelta(minutes=5)
    await db[BUCKETED_EVENTS].insert_one({"_id": "evt_2", "counted": False, "claimedAt": stopped})
    await db[PAYMENT_BUCKETS].update_one(
        {"merchantId": "mer_1"},
        {"$inc": {"refunded": 100, "refunds": 1}, "$push": {"seen": "evt_2"}},
    )
    assert await count(buckets, "evt_2", at(1, 10, 7), refunds=1, refunded=100)
    (bucket,) = await buckets.between("mer_1", "test", at(1, 0), at(2, 0))
    assert (bucket["succeeded"], bucket["volume"]) == (1, 49_900)
    assert (bucket["refunds"], bucket["refunded"]) == (1, 100)
    assert bucket["start"].replace(tzinfo=UTC) == at(1, 10)
    assert (await db[PAYMENT_BUCKETS].find_one({}))["seen"] == []


async def test_racing_events_of_one_new_bucket_all_count(db: AsyncDatabase[dict]) -> None:
    buckets = PaymentBuckets(db)
    results = await asyncio.gather(
        *(count(buckets, f"evt_{n}", at(3, 9, 1), created=1) for n in range(40)),
        *(count(buckets, f"evt_{n}", at(3, 9, 1), created=1) for n in range(20)),
    )
    (bucket,) = await buckets.between("mer_1", "test", at(3, 0), at(4, 0))
    assert bucket["created"] == 40
    assert results.count(True) == 40


def test_days_today_and_month_follow_the_viewers_time_zone() -> None:
    now = at(15, 20, 0)  # 01:30 on 16 December in Kolkata
    buckets = [
        # 15 December, 23:50 in Kolkata, and 16 December, 00:00 in Kolkata.
        {"currency": "INR", "start": at(15, 18, 15), "succeeded": 2, "volume": 300, "failed": 1},
        {"currency": "INR", "start": at(15, 18, 30), "created": 4, "refunds": 1, "refunded": 50},
        # November in Kolkata: within the last 30 days, not this month.
        {
            "currency": "INR",
            "start": datetime(2026, 11, 20, 6, tzinfo=UTC),
            "succeeded": 1,
            "volume": 7,
        },
        {"currency": "USD", "start": at(15, 19), "succeeded": 1, "volume": 999},
    ]
    assert window_start(now, KOLKATA, 30) == datetime(2026, 11, 17, tzinfo=KOLKATA)

    shown = overview(buckets, now, KOLKATA, 30)

    inr, usd = shown.currencies
    assert (inr.currency, usd.currency, shown.timezone) == ("INR", "USD", "Asia/Kolkata")
    assert (inr.today.count, inr.today.refunded, inr.today.succeeded) == (4, 50, 0)
    assert (inr.month.volume, inr.month.succeeded, inr.month.failed) == (300, 2, 1)
    assert inr.month.success_rate == 2 / 3 and inr.today.success_rate is None
    assert len(inr.days) == 30 and str(inr.days[-1].date) == "2026-12-16"
    by_day = {str(day.date): day for day in inr.days}
    assert by_day["2026-12-15"].volume == 300 and by_day["2026-11-20"].volume == 7
    assert sum(day.volume for day in inr.days) == 307
    assert usd.today.volume == 999
