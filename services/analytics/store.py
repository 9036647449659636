"""The analytics read model: one fact per payment, written idempotently from events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from shared.mongo import CollectionIndexes, Document

PAYMENT_FACTS = "payment_facts"

INDEXES = (
    CollectionIndexes(
        PAYMENT_FACTS,
        (IndexModel([("merchantId", ASCENDING), ("createdAt", ASCENDING)], name="by_merchant"),),
    ),
)


class PaymentFacts:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._facts = db[PAYMENT_FACTS]

    async def record_created(
        self, *, payment_id: str, merchant_id: str, amount: int, currency: str,
        created_at: datetime, event_id: str,
    ) -> bool:  # fmt: skip
        """Stores the fact once; the payment id as `_id` makes a replayed event a no-op."""
        try:
            await self._facts.insert_one(
                {"_id": payment_id, "merchantId": merchant_id, "amount": amount,
                 "currency": currency, "createdAt": created_at, "eventId": event_id}
            )  # fmt: skip
        except DuplicateKeyError:
            return False
        return True

    async def created_totals(
        self, merchant_id: str, since: datetime | None, until: datetime | None
    ) -> list[dict[str, Any]]:
        match: dict[str, Any] = {"merchantId": merchant_id}
        window = {op: t for op, t in (("$gte", since), ("$lt", until)) if t is not None}
        if window:
            match["createdAt"] = window
        pipeline = [
            {"$match": match},
            {"$group": {"_id": "$currency", "count": {"$sum": 1}, "amount": {"$sum": "$amount"}}},
            {"$sort": {"_id": 1}},
        ]
        cursor = await self._facts.aggregate(pipeline)
        return [
            {"currency": row["_id"], "count": row["count"], "amount": row["amount"]}
            async for row in cursor
        ]
