"""Audit events: append-only, one document each."""

from __future__ import annotations

from typing import Any

from pymongo import DESCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from shared.mongo import CollectionIndexes, Document
from shared.paging import page_of

AUDIT_EVENTS = "audit_events"

INDEXES = (
    CollectionIndexes(
        AUDIT_EVENTS,
        (
            IndexModel([("merchantId", DESCENDING), ("at", DESCENDING)], name="by_merchant"),
            IndexModel([("userId", DESCENDING), ("at", DESCENDING)], name="by_user"),
        ),
    ),
)


class AuditStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._events = db[AUDIT_EVENTS]

    async def append(self, event: Document) -> None:
        await self._events.insert_one(event)

    async def page(
        self, query: dict[str, Any], *, skip: int, limit: int
    ) -> tuple[list[Document], int]:
        return await page_of(self._events, query, [("at", DESCENDING)], skip=skip, limit=limit)
