"""The analytics read model: one fact per payment, written idempotently from events."""

from __future__ import annotations

import asyncio
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
        try:
            await self._facts.insert_one(
                {
                    "_id": payment_id,
                    "merchantId": merchant_id,
                    "mode": mode,
                    "amount": amount,
                    "currency": currency,
                    "createdAt": created_at,
                    "eventId": event_id,
                }
            )
        except DuplicateKeyError:
            return False
        return True

    async def created_totals(
        self, merchant_id: str, mode: str, since: datetime | None, until: datetime | None
    ) -> list[dict[str, Any]]:
        match: dict[str, Any] = {"merchantId": merchant_id, "mode": mode}
        window = {op: t for op, t in (("$gte", since), ("$lt", until)) if t is not None}
        if window:
            match["createdAt"] = window
        # FerretDB 1.24 computes only the first accumulator of a $group (the others come back
        # as 0), so each total is its own single-accumulator pipeline.
        counts, amounts = await asyncio.gather(
            self._group_by_currency(match, {"$sum": 1}),
            self._group_by_currency(match, {"$sum": "$amount"}),
        )
        return [
            {"currency": currency, "count": counts[currency], "amount": amounts.get(currency, 0)}
            for currency in sorted(counts)
        ]

    async def _group_by_currency(
        self, match: dict[str, Any], accumulator: dict[str, Any]
    ) -> dict[str, int]:
        cursor = await self._facts.aggregate(
            [{"$match": match}, {"$group": {"_id": "$currency", "value": accumulator}}]
        )
        return {row["_id"]: row["value"] async for row in cursor}
