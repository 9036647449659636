"""The transactional outbox: events are stored with the state change, then relayed to Kafka.

A service writes its event into its own `outbox` collection in the same single-document write as
the state change, or directly after it with a recovery sweep. The relay publishes pending events
in creation order and marks them sent, so an event survives a crash or restart of the service
between the write and the publish. Delivery is at least once: a crash after the publish and
before the mark resends, and consumers deduplicate by event id.

Only one relay per service publishes at a time (a `SlotLease` in the service's own database),
which keeps per-key order and avoids every replica sending the same backlog.

`outbox` keeps every event (pending, then sent, for a day), and is what makes writing an event
twice harmless. The relay reads what to send from `outbox_queue`, which holds an entry per
pending event only: its poll then costs the same however many events were sent, even on the local
store, which scans for anything but `_id`. A writer that dies between the two inserts leaves a
pending event without an entry; the relay looks for those once a minute.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka.errors import KafkaError
from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

from shared.claims import SlotLease, insert_once
from shared.errors import ServiceUnavailable
from shared.events.envelope import EventEnvelope
from shared.events.producer import EventProducer
from shared.ids import new_id
from shared.metrics import OUTBOX_PENDING, OUTBOX_PUBLISHED
from shared.mongo import CollectionIndexes, Document, count_matching
from shared.settings import OutboxSettings
from shared.tracing import current_traceparent

logger = logging.getLogger("expe.outbox")

OUTBOX = "outbox"
OUTBOX_QUEUE = "outbox_queue"
LEASES = "leases"
_RELAY_LEASE = "outbox-relay"
# Sent events are kept a day for inspection, then purged.
_SENT_RETENTION = timedelta(hours=24)
# How often the relay looks for pending events that lost their queue entry.
_RECOVERY_INTERVAL = timedelta(minutes=1)

OUTBOX_INDEXES = CollectionIndexes(
    OUTBOX,
    (
        IndexModel([("status", ASCENDING), ("order", ASCENDING)], name="pending_by_order"),
        IndexModel([("sentAt", ASCENDING)], name="sent_at"),
    ),
)


def new_event(
    event_type: str,
    data: dict[str, Any],
    *,
    producer: str,
    merchant_id: str | None = None,
    event_id: str | None = None,
    actor: dict[str, Any] | None = None,
) -> EventEnvelope:
    """A new event; pass `event_id` (derived from its cause) so a retry writes the same event."""
    return EventEnvelope(
        id=event_id or new_id("evt"),
        type=event_type,
        producer=producer,
        merchant_id=merchant_id,
        actor=actor,
        traceparent=current_traceparent(),
        data=data,
    )


_last_order = 0


def _next_order() -> int:
    """Nanoseconds since the epoch, strictly increasing within the process.

    Dates in BSON keep milliseconds only, so events written in the same millisecond would have
    no order among them; this keeps the order in which this process wrote them.
    """
    global _last_order
    _last_order = max(time.time_ns(), _last_order + 1)
    return _last_order


def outbox_document(envelope: EventEnvelope, key: str | None = None) -> Document:
    """The outbox record of an event, for a service that writes it in its own operation."""
    return {
        "_id": envelope.id,
        "topic": envelope.topic,
        "key": key if key is not None else envelope.merchant_id,
        "envelope": envelope.model_dump(mode="json", by_alias=True),
        "status": "pending",
        "createdAt": datetime.now(UTC),
        "order": _next_order(),
        "sentAt": None,
    }


class Outbox:
    """Writes events into the service's outbox and nudges the relay."""

    def __init__(self, db: AsyncDatabase[Document], service: str) -> None:
        self._collection = db[OUTBOX]
        self._queue = db[OUTBOX_QUEUE]
        self.service = service
        self.written = asyncio.Event()

    def event(
        self, event_type: str, data: dict[str, Any], merchant_id: str | None = None
    ) -> EventEnvelope:
        return new_event(event_type, data, producer=self.service, merchant_id=merchant_id)

    async def stored(self, event_ids: list[str]) -> set[str]:
        """Which of these events the outbox holds (sent ones are kept a day)."""
        found = self._collection.find({"_id": {"$in": event_ids}}, {"_id": 1})
        return {doc["_id"] async for doc in found}

    async def add(self, envelope: EventEnvelope, key: str | None = None) -> None:
        """Stores the event and queues it for the relay; writing the same event twice is
        harmless."""
        document = outbox_document(envelope, key)
        if await insert_once(self._collection, document):
            await insert_once(self._queue, _queue_entry(document))
        self.written.set()


def _queue_entry(document: Document) -> Document:
    return {"_id": document["_id"], "order": document["order"]}


class OutboxRelay:
    """Publishes pending outbox events to Kafka, in order, while this process holds the lease."""

    def __init__(
        self,
        db: AsyncDatabase[Document],
        producer: EventProducer,
        settings: OutboxSettings,
        written: asyncio.Event,
    ) -> None:
        self._outbox = db[OUTBOX]
        self._queue = db[OUTBOX_QUEUE]
        self._producer = producer
        self._settings = settings
        self._written = written
        self._lease = SlotLease(db[LEASES], _RELAY_LEASE, settings.lease_seconds)
        self._last_purge = datetime.min.replace(tzinfo=UTC)
        self._last_recovery = datetime.min.replace(tzinfo=UTC)
        self._stopping = False

    def stop_soon(self) -> None:
        """Ends `run` once the batch being sent is acknowledged (a graceful shutdown)."""
        self._stopping = True
        self._written.set()

    async def run(self) -> None:
        while not self._stopping:
            try:
                await self._producer.wait_ready()
                published = await self.relay_once() if await self._lease.held() else 0
            except (PyMongoError, KafkaError, ServiceUnavailable) as error:
                logger.warning("outbox relay paused", extra={"error": repr(error)})
                published = 0
            if published < self._settings.batch_size and not self._stopping:
                await self._wait_for_work()

    async def _wait_for_work(self) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._settings.poll_interval_seconds):
                await self._written.wait()
        self._written.clear()

    async def relay_once(self) -> int:
        """Publishes one batch of pending events; returns how many went out."""
        await self._recover_queue()
        queued = (
            await self._queue.find({})
            .sort([("order", ASCENDING), ("_id", ASCENDING)])
            .limit(self._settings.batch_size)
            .to_list()
        )
        if not queued:
            OUTBOX_PENDING.set(0)
            await self._purge_sent()
            return 0
        if len(queued) == self._settings.batch_size:
            OUTBOX_PENDING.set(await count_matching(self._queue, {}))
        else:
            OUTBOX_PENDING.set(len(queued))
        ids = [entry["_id"] for entry in queued]
        stored = {
            doc["_id"]: doc for doc in await self._outbox.find({"_id": {"$in": ids}}).to_list()
        }
        # In queue order; an entry whose event is sent already (recovered twice) goes unsent.
        pending = [stored[i] for i in ids if i in stored and stored[i]["status"] == "pending"]
        batch = [(EventEnvelope.model_validate(doc["envelope"]), doc.get("key")) for doc in pending]
        await self._producer.publish_many(batch)
        sent = [doc["_id"] for doc in pending]
        await self._outbox.update_many(
            {"_id": {"$in": sent}}, {"$set": {"status": "sent", "sentAt": datetime.now(UTC)}}
        )
        await self._queue.delete_many({"_id": {"$in": ids}})
        OUTBOX_PUBLISHED.inc(len(sent))
        OUTBOX_PENDING.dec(len(ids))
        return len(ids)

    async def _recover_queue(self) -> None:
        """Queues pending events whose writer died before queueing them (the query scans the
        outbox on the local store, so it runs once a minute, not on every poll)."""
        now = datetime.now(UTC)
        if now - self._last_recovery < _RECOVERY_INTERVAL:
            return
        self._last_recovery = now
        async for doc in self._outbox.find({"status": "pending"}, {"order": 1}):
            await insert_once(self._queue, _queue_entry(doc))

    async def _purge_sent(self) -> None:
        now = datetime.now(UTC)
        if now - self._last_purge < timedelta(minutes=5):
            return
        self._last_purge = now
        await self._outbox.delete_many({"status": "sent", "sentAt": {"$lt": now - _SENT_RETENTION}})

    async def release(self) -> None:
        """Gives up the lease, so a successor need not wait for its slots to pass."""
        with contextlib.suppress(PyMongoError):
            await self._lease.release()
