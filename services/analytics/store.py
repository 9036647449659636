"""The analytics read model: one fact per payment, written idempotently from events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from shared.claims import insert_once
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
