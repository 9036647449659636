"""Plans, subscriptions and invoices in MongoDB.

`plans` (`plan_…`) and `subscriptions` (`sub_…`) are one document each. A subscription changes
only by a conditional update on its `version`, so of two writers (two replicas renewing it, a
renewal and a cancel) one wins and the other reads the subscription again. `invoices` (`in_…`,
derived from the subscription and the period it bills) are made once by a unique insert: the
period's charge has one invoice, and each of its attempts one payment reference.

`wakeAt` is set on subscriptions of the real clock only, to the time their next renewal, retry
or cancel is due: the scheduler's one indexed query. Test-clock subscriptions wait for their
clock to be advanced.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from shared.claims import SlotLease, insert_or_get
from shared.events.outbox import LEASES
from shared.mongo import CollectionIndexes, Document
from shared.paging import page_of

PLANS = "plans"
SUBSCRIPTIONS = "subscriptions"
INVOICES = "invoices"
_NEWEST_FIRST = [("createdAt", DESCENDING), ("_id", DESCENDING)]
_BY_MERCHANT = [("merchantId", ASCENDING), ("mode", ASCENDING), ("createdAt", DESCENDING)]

INDEXES = (
    CollectionIndexes(PLANS, (IndexModel(_BY_MERCHANT, name="by_merchant"),)),
    CollectionIndexes(
        SUBSCRIPTIONS,
        (
            IndexModel(_BY_MERCHANT, name="by_merchant"),
            IndexModel(
                [
                    ("merchantId", ASCENDING),
                    ("mode", ASCENDING),
                    ("status", ASCENDING),
                    ("createdAt", DESCENDING),
                ],
                name="by_merchant_status",
            ),
            IndexModel([("wakeAt", ASCENDING)], name="due"),
        ),
    ),
    CollectionIndexes(
        INVOICES,
        (IndexModel([("subscriptionId", ASCENDING), ("createdAt", DESCENDING)], name="by_sub"),),
    ),
)


class SubscriptionStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._plans = db[PLANS]
        self._subscriptions = db[SUBSCRIPTIONS]
        self._invoices = db[INVOICES]
        self._leases = db[LEASES]

    # Plans.

    async def add_plan(self, plan: Document) -> Document:
        return await insert_or_get(self._plans, plan)

    async def plan(self, plan_id: str) -> Document | None:
        return await self._plans.find_one({"_id": plan_id})

    async def plans(
        self, merchant_id: str, mode: str, skip: int, limit: int
    ) -> tuple[list[Document], int]:
        query = {"merchantId": merchant_id, "mode": mode}
        return await page_of(self._plans, query, _NEWEST_FIRST, skip=skip, limit=limit)

    # Subscriptions.

    async def add(self, subscription: Document) -> Document:
        """Stores the subscription, or returns the one stored first under its id."""
        return await insert_or_get(self._subscriptions, with_wake({}, subscription))

    async def get(self, subscription_id: str) -> Document | None:
        return await self._subscriptions.find_one({"_id": subscription_id})

    async def replace(self, current: Document, changes: dict[str, Any]) -> Document | None:
        """Applies `changes` if the subscription is still at `current`'s version; the new
        document, or None when another writer changed it first."""
        fields = {**changes, "version": current["version"] + 1}
        updated: Document | None = await self._subscriptions.find_one_and_update(
            {"_id": current["_id"], "version": current["version"]},
            {"$set": with_wake(current, fields)},
            return_document=ReturnDocument.AFTER,
        )
        return updated

    async def page(
        self, merchant_id: str, mode: str, statuses: Sequence[str], skip: int, limit: int
    ) -> tuple[list[Document], int]:
        query: Document = {"merchantId": merchant_id, "mode": mode}
        if statuses:
            query["status"] = {"$in": list(statuses)}
        return await page_of(self._subscriptions, query, _NEWEST_FIRST, skip=skip, limit=limit)

    async def due(self, now: datetime, limit: int) -> list[Document]:
        """Real-clock subscriptions whose next step is due, the longest waiting first."""
        cursor = self._subscriptions.find({"wakeAt": {"$lte": now}}).sort("wakeAt", ASCENDING)
        return await cursor.limit(limit).to_list()

    def schedule_lease(self, seconds: float) -> SlotLease:
        return SlotLease(self._leases, "subscriptions-scheduler", seconds)

    # Invoices.

    async def open_invoice(self, invoice: Document) -> Document:
        """The invoice, made now or found as an earlier run made it."""
        return await insert_or_get(self._invoices, invoice)

    async def invoice(self, invoice_id: str) -> Document | None:
        return await self._invoices.find_one({"_id": invoice_id})

    async def record_attempt(
        self, invoice_id: str, attempt: Document, fields: dict[str, Any]
    ) -> None:
        """Adds the charge attempt to the invoice once, and sets `fields` (its new status)."""
        await self._invoices.update_one(
            {"_id": invoice_id, "attempts.paymentId": {"$ne": attempt["paymentId"]}},
            {"$push": {"attempts": attempt}},
        )
        if fields:
            await self._invoices.update_one({"_id": invoice_id}, {"$set": fields})

    async def set_invoice(self, invoice_id: str, fields: dict[str, Any]) -> None:
        await self._invoices.update_one({"_id": invoice_id}, {"$set": fields})

    async def invoices(
        self, subscription_id: str, skip: int, limit: int
    ) -> tuple[list[Document], int]:
        query = {"subscriptionId": subscription_id}
        return await page_of(self._invoices, query, _NEWEST_FIRST, skip=skip, limit=limit)


def with_wake(current: Document, fields: dict[str, Any]) -> dict[str, Any]:
    """`fields` with `wakeAt`: the due time for a real-clock subscription, else none."""
    test_clock = fields.get("testClock", current.get("testClock"))
    due_at = fields.get("dueAt", current.get("dueAt"))
    return {**fields, "wakeAt": None if test_clock else due_at}
