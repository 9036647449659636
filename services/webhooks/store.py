"""The only code of the webhooks service that touches MongoDB.

Collections: `endpoints`; `events` (the domain events received, for replays); `messages` (one
event for one endpoint, with its signed body); `queue` (the messages still to deliver, and
when); `attempts` (every request made, with its answer). The queue is kept apart from messages
so the dispatcher's frequent "what is due" query reads only what is pending, whatever the number
of delivered messages: the local store keeps no index but `_id`'s and unique ones, and scans.

An attempt's `_id` is derived from its message and sequence number, so inserting it is the claim
(`shared.claims`) that lets exactly one dispatcher replica send it.

A merchant's change to an endpoint carries its audit event in `pendingEvents`, in the same write,
until the event is in the outbox (services/webhooks/endpoints.py). A deleted endpoint keeps its
document, marked `deletedAt`, until its "deleted" event is: the reads here pass over it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from shared.claims import insert_all_once, insert_once
from shared.mongo import CollectionIndexes, Document, count_matching
from shared.paging import page_of

ENDPOINTS = "endpoints"
EVENTS = "events"
MESSAGES = "messages"
QUEUE = "queue"
ATTEMPTS = "attempts"

INDEXES = (
    CollectionIndexes(
        ENDPOINTS,
        (
            IndexModel([("merchantId", ASCENDING), ("mode", ASCENDING)], name="owner"),
            IndexModel([("pendingEvents.at", ASCENDING)], name="pending_events"),
        ),
    ),
    CollectionIndexes(
        EVENTS,
        (
            IndexModel(
                [("merchantId", ASCENDING), ("mode", ASCENDING), ("occurredAt", ASCENDING)],
                name="owner_time",
            ),
        ),
    ),
    CollectionIndexes(
        MESSAGES,
        (
            IndexModel([("paymentId", ASCENDING)], name="payment"),
            IndexModel([("endpointId", ASCENDING), ("createdAt", DESCENDING)], name="endpoint"),
        ),
    ),
    CollectionIndexes(QUEUE, (IndexModel([("dueAt", ASCENDING)], name="due"),)),
    CollectionIndexes(
        ATTEMPTS,
        (
            IndexModel(
                [("merchantId", ASCENDING), ("mode", ASCENDING), ("startedAt", DESCENDING)],
                name="owner_time",
            ),
            IndexModel([("messageId", ASCENDING)], name="message"),
        ),
    ),
)

_NEWEST_FIRST = [("startedAt", DESCENDING), ("_id", DESCENDING)]
# An endpoint marked deleted is gone for every read but the release of its pending events.
_NOT_DELETED: Document = {"deletedAt": None}


class WebhookStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._endpoints = db[ENDPOINTS]
        self._events = db[EVENTS]
        self._messages = db[MESSAGES]
        self._queue = db[QUEUE]
        self._attempts = db[ATTEMPTS]

    # Endpoints.

    async def insert_endpoint(self, endpoint: Document) -> None:
        await self._endpoints.insert_one(endpoint)

    async def endpoint(self, endpoint_id: str) -> Document | None:
        return await self._endpoints.find_one({"_id": endpoint_id, **_NOT_DELETED})

    async def endpoints(
        self, query: Document, *, skip: int = 0, limit: int = 0
    ) -> tuple[list[Document], int]:
        oldest_first = [("createdAt", ASCENDING), ("_id", ASCENDING)]
        live = {**query, **_NOT_DELETED}
        return await page_of(self._endpoints, live, oldest_first, skip=skip, limit=limit)

    async def endpoints_of(self, merchant_id: str, mode: str) -> list[Document]:
        query = {"merchantId": merchant_id, "mode": mode, **_NOT_DELETED}
        return await self._endpoints.find(query).to_list()

    async def change_endpoint(
        self, endpoint_id: str, fields: Document, unset: Sequence[str] = (), *, event: Document
    ) -> bool:
        """Applies a merchant's change and keeps its pending `event` in the same write; False
        when the endpoint is gone."""
        update: Document = {"$set": fields, "$push": {"pendingEvents": event}}
        if unset:
            update["$unset"] = dict.fromkeys(unset, "")
        result = await self._endpoints.update_one({"_id": endpoint_id, **_NOT_DELETED}, update)
        return result.matched_count > 0

    async def mark_endpoint_deleted(self, endpoint_id: str, at: datetime, event: Document) -> bool:
        """Marks the endpoint deleted with its pending "deleted" `event`; False when it is gone
        already."""
        result = await self._endpoints.update_one(
            {"_id": endpoint_id, **_NOT_DELETED},
            {"$set": {"deletedAt": at}, "$push": {"pendingEvents": event}},
        )
        return result.matched_count > 0

    async def with_pending_events(self, before: datetime) -> list[Document]:
        """Endpoints with an event pending since before `before` (one marked deleted keeps its
        "deleted" event pending until its document is deleted)."""
        query = {"pendingEvents.at": {"$lt": before}}
        return await self._endpoints.find(query).to_list()

    async def pull_pending_event(self, endpoint_id: str, event_id: str) -> None:
        await self._endpoints.update_one(
            {"_id": endpoint_id}, {"$pull": {"pendingEvents": {"_id": event_id}}}
        )

    async def update_endpoint(
        self, endpoint_id: str, fields: Document, unset: Sequence[str] = ()
    ) -> None:
        update: Document = {"$set": fields}
        if unset:
            update["$unset"] = dict.fromkeys(unset, "")
        await self._endpoints.update_one({"_id": endpoint_id}, update)

    async def update_endpoint_if(
        self, match: Document, fields: Document, unset: Sequence[str] = ()
    ) -> bool:
        """Updates the endpoint `match` finds (its `_id` and values it must still have); True if
        it did."""
        update: Document = {"$set": fields}
        if unset:
            update["$unset"] = dict.fromkeys(unset, "")
        result = await self._endpoints.update_one(match, update)
        return result.matched_count > 0

    async def delete_endpoint(self, endpoint_id: str) -> None:
        await self._endpoints.delete_one({"_id": endpoint_id})

    # Events received (kept for replays).

    async def remember_event(self, event: Document) -> None:
        await insert_once(self._events, event)

    async def events_between(
        self, merchant_id: str, mode: str, since: datetime, until: datetime, limit: int
    ) -> list[Document]:
        query = {
            "merchantId": merchant_id,
            "mode": mode,
            "occurredAt": {"$gte": since, "$lte": until},
        }
        cursor = self._events.find(query).sort([("occurredAt", ASCENDING), ("_id", ASCENDING)])
        return await cursor.limit(limit).to_list()

    # Messages and the queue.

    async def insert_message(self, message: Document) -> bool:
        """False when the message exists already (the same event for the same endpoint)."""
        return await insert_once(self._messages, message)

    async def message(self, message_id: str) -> Document | None:
        return await self._messages.find_one({"_id": message_id})

    async def message_states(self, message_ids: Sequence[str]) -> list[Document]:
        """Of each of these messages that exists, what queueing it again needs (not its body)."""
        found = self._messages.find(
            {"_id": {"$in": list(message_ids)}}, {"endpointId": 1, "status": 1, "seq": 1}
        )
        return await found.to_list()

    async def insert_messages(self, messages: Sequence[Document]) -> None:
        """Inserts each message whose id is not taken (by the same event for the same endpoint)."""
        await insert_all_once(self._messages, messages)

    async def update_message(self, message_id: str, fields: Document) -> None:
        await self._messages.update_one({"_id": message_id}, {"$set": fields})

    async def update_messages(self, message_ids: Sequence[str], fields: Document) -> None:
        await self._messages.update_many({"_id": {"$in": list(message_ids)}}, {"$set": fields})

    async def messages(
        self, query: Document, *, skip: int = 0, limit: int = 0
    ) -> tuple[list[Document], int]:
        newest_first = [("createdAt", DESCENDING), ("_id", DESCENDING)]
        return await page_of(self._messages, query, newest_first, skip=skip, limit=limit)

    async def enqueue(self, entry: Document) -> None:
        """Queues a message; queueing one that is queued already changes nothing."""
        await insert_once(self._queue, entry)

    async def enqueue_all(self, entries: Sequence[Document]) -> None:
        """`enqueue` for many messages in one round trip."""
        await insert_all_once(self._queue, entries)

    async def due(self, now: datetime, limit: int) -> list[Document]:
        cursor = self._queue.find({"dueAt": {"$lte": now}}).sort([("dueAt", ASCENDING)])
        return await cursor.limit(limit).to_list()

    async def reschedule(self, message_id: str, fields: Document) -> None:
        await self._queue.update_one({"_id": message_id}, {"$set": fields})

    async def dequeue(self, message_id: str) -> None:
        await self._queue.delete_one({"_id": message_id})

    async def backlog(self) -> int:
        return await count_matching(self._queue, {})

    # Attempts.

    async def claim_attempt(self, attempt: Document) -> bool:
        """True when this insert made the attempt ours to send."""
        return await insert_once(self._attempts, attempt)

    async def attempt(self, attempt_id: str) -> Document | None:
        return await self._attempts.find_one({"_id": attempt_id})

    async def finish_attempt(self, attempt_id: str, fields: Document) -> None:
        await self._attempts.update_one({"_id": attempt_id}, {"$set": fields})

    async def attempts(
        self, query: Document, *, skip: int = 0, limit: int = 0, fields: Document | None = None
    ) -> tuple[list[Document], int]:
        return await page_of(
            self._attempts, query, _NEWEST_FIRST, skip=skip, limit=limit, projection=fields
        )

    async def attempts_of(self, message_ids: Sequence[str]) -> list[Document]:
        if not message_ids:
            return []
        query: dict[str, Any] = {"messageId": {"$in": list(message_ids)}}
        return await self._attempts.find(query).sort([("startedAt", ASCENDING)]).to_list()

    async def purge(self, before: datetime) -> None:
        """Deletes what is older than `before`: events, finished messages, attempts."""
        await self._events.delete_many({"occurredAt": {"$lt": before}})
        await self._messages.delete_many(
            {"createdAt": {"$lt": before}, "status": {"$ne": "pending"}}
        )
        await self._attempts.delete_many({"startedAt": {"$lt": before}})
