"""The analytics read model: one fact per payment, written idempotently from events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from services.analytics.counting import EventCounter, Increment
from shared.claims import insert_once
from shared.mongo import CollectionIndexes, Document

PAYMENT_FACTS = "payment_facts"
PAYMENT_BUCKETS = "payment_buckets"
BUCKETED_EVENTS = "bucketed_events"

INDEXES = (
    CollectionIndexes(
        PAYMENT_FACTS,
        (IndexModel([("merchantId", ASCENDING), ("createdAt", ASCENDING)], name="by_merchant"),),
    ),
    CollectionIndexes(
        PAYMENT_BUCKETS,
        (
            IndexModel(
                [("merchantId", ASCENDING), ("mode", ASCENDING), ("start", ASCENDING)],
                name="by_merchant_time",
            ),
            # The last day's buckets of every merchant in a mode, for the active merchants.
            IndexModel([("mode", ASCENDING), ("start", ASCENDING)], name="by_mode_time"),
        ),
    ),
)


class PaymentFacts:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._facts = db[PAYMENT_FACTS]

    async def record_created(
        self,
        *,
        payment_id: str,
        merchant_id: str,
        mode: str,
        amount: int,
        currency: str,
        created_at: datetime,
        event_id: str,
    ) -> bool:
        """Stores the fact once; the payment id as `_id` makes a replayed event a no-op."""
        fact = {
            "_id": payment_id,
            "merchantId": merchant_id,
            "mode": mode,
            "amount": amount,
            "currency": currency,
            "createdAt": created_at,
            "eventId": event_id,
        }
        return await insert_once(self._facts, fact)

    async def created_totals(
        self, merchant_id: str, mode: str, since: datetime | None, until: datetime | None
    ) -> list[dict[str, Any]]:
        match: dict[str, Any] = {"merchantId": merchant_id, "mode": mode}
        window = {op: t for op, t in (("$gte", since), ("$lt", until)) if t is not None}
        if window:
            match["createdAt"] = window
        group = {"_id": "$currency", "count": {"$sum": 1}, "amount": {"$sum": "$amount"}}
        cursor = await self._facts.aggregate(
            [{"$match": match}, {"$group": group}, {"$sort": {"_id": 1}}]
        )
        return [
            {"currency": row["_id"], "count": row["count"], "amount": row["amount"]}
            async for row in cursor
        ]


# Buckets of 15 minutes: every time zone in use is a whole number of quarter hours from UTC, so
# a day in any of them is a run of whole buckets.
BUCKET_SECONDS = 15 * 60


def bucket_start(at: datetime) -> datetime:
    seconds = int(at.timestamp()) // BUCKET_SECONDS * BUCKET_SECONDS
    return datetime.fromtimestamp(seconds, UTC)


class PaymentBuckets:
    """Counters of each merchant's payments per quarter hour, mode and currency, each event
    counted exactly once (counting.py)."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._buckets = db[PAYMENT_BUCKETS]
        self._counter = EventCounter(db, BUCKETED_EVENTS)

    async def count(
        self,
        *,
        event_id: str,
        merchant_id: str,
        mode: str,
        currency: str,
        at: datetime,
        counts: dict[str, int],
    ) -> bool:
        """Adds `counts` to the bucket of `at`; False when the event was counted before."""
        start = bucket_start(at)
        bucket_id = f"{merchant_id}:{mode}:{currency}:{int(start.timestamp())}"
        on_insert = {"merchantId": merchant_id, "mode": mode, "currency": currency, "start": start}
        increment = Increment(PAYMENT_BUCKETS, bucket_id, counts, on_insert)
        return await self._counter.count(event_id, [increment])

    async def active_merchants(self, mode: str, since: datetime) -> int:
        """How many merchants have a bucket of `mode` starting at `since` or later. A find on
        the by_mode_time index reads those buckets only; an aggregation would read the whole
        collection on the local store."""
        found = self._buckets.find(
            {"mode": mode, "start": {"$gte": since}}, {"_id": 0, "merchantId": 1}
        )
        return len({bucket["merchantId"] async for bucket in found})

    async def between(
        self, merchant_id: str, mode: str, since: datetime, until: datetime
    ) -> list[Document]:
        """The merchant's buckets starting in [since, until), oldest first."""
        cursor = self._buckets.find(
            {"merchantId": merchant_id, "mode": mode, "start": {"$gte": since, "$lt": until}},
            {"_id": 0, "seen": 0},
        ).sort([("start", ASCENDING)])
        return [bucket async for bucket in cursor]
