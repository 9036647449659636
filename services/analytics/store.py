"""The analytics read model: one fact per payment, written idempotently from events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from shared.claims import insert_once
from shared.events.consumer import BATCH_RECORDS
from shared.mongo import CollectionIndexes, Document

PAYMENT_FACTS = "payment_facts"
PAYMENT_BUCKETS = "payment_buckets"

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
# How many of the latest event ids a bucket keeps to refuse a second count. Kafka redelivers only
# what a consumer had not committed, and consumers commit after every batch (at most
# `BATCH_RECORDS` records), so a redelivered event is always among a bucket's latest ids.
SEEN_PER_BUCKET = 5 * BATCH_RECORDS


def bucket_start(at: datetime) -> datetime:
    seconds = int(at.timestamp()) // BUCKET_SECONDS * BUCKET_SECONDS
    return datetime.fromtimestamp(seconds, UTC)


class PaymentBuckets:
    """Counters of each merchant's payments per quarter hour, mode and currency.

    Each event counts once, though counters are increments: its id joins the bucket's list of
    latest ids in the same single-document update as its increments, which applies only while
    the id is not in the list. So a duplicate, or two deliveries racing, count once, and a crash
    leaves an event either counted and listed or neither. One command per event."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._buckets = db[PAYMENT_BUCKETS]

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
        query = {"_id": bucket_id, "seen": {"$ne": event_id}}
        update = {
            "$inc": counts,
            "$push": {"seen": {"$each": [event_id], "$slice": -SEEN_PER_BUCKET}},
            "$setOnInsert": {
                "merchantId": merchant_id,
                "mode": mode,
                "currency": currency,
                "start": start,
            },
        }
        try:
            counted = await self._buckets.update_one(query, update, upsert=True)
        except DuplicateKeyError:
            # The bucket exists: another event made it meanwhile, or this one is in it already.
            counted = await self._buckets.update_one(query, update)
        return counted.modified_count == 1 or counted.upserted_id is not None

    async def between(
        self, merchant_id: str, mode: str, since: datetime, until: datetime
    ) -> list[Document]:
        """The merchant's buckets starting in [since, until), oldest first."""
        cursor = self._buckets.find(
            {"merchantId": merchant_id, "mode": mode, "start": {"$gte": since, "$lt": until}},
            {"_id": 0, "seen": 0},
        ).sort([("start", ASCENDING)])
        return [bucket async for bucket in cursor]
