"""The idempotent consumer: each event id takes effect once per consumer, however often Kafka
delivers it.

Before handling, the consumer looks for the event id in its own `processed_events` collection and
skips what it has seen; after handling it records the id, then commits the Kafka offset. A crash
between the handler's write and the record makes the event come back once more, so handlers write
their effects keyed by the event id (an insert with the event id as `_id`, a conditional update)
rather than blind increments.

Records of one key are handled in order; records of different keys in a batch are handled side
by side, and the batch's offset is committed once all of them are.

A handler that fails for a passing reason (database or broker unreachable) is retried with backoff
without moving on; one that keeps failing for another reason is recorded in `failed_events` after
a few attempts and skipped, so one bad event cannot stop the line forever.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, ConsumerRecord
from aiokafka.errors import KafkaError
from opentelemetry import trace
from opentelemetry.trace import SpanKind
from pydantic import ValidationError
from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure, PyMongoError

from shared.claims import insert_once
from shared.events.envelope import EventEnvelope
from shared.events.topics import prepare
from shared.metrics import EVENTS_CONSUMED, record_consumer_lag
from shared.mongo import CollectionIndexes, Document
from shared.settings import KafkaSettings
from shared.tasks import finish_despite_cancel
from shared.tracing import context_from_kafka_headers

logger = logging.getLogger("expe.consumer")

PROCESSED = "processed_events"
FAILED = "failed_events"
CONSUMER_INDEXES = (
    CollectionIndexes(PROCESSED, (IndexModel([("processedAt", ASCENDING)], name="processed_at"),)),
    CollectionIndexes(FAILED, (IndexModel([("failedAt", ASCENDING)], name="failed_at"),)),
)

# A handler may say the event had taken effect already by returning False (counted as a
# duplicate); None or True count as processed.
Handler = Callable[[EventEnvelope], Awaitable[bool | None]]

_TRANSIENT = (ConnectionFailure, KafkaError, ConnectionError, TimeoutError)
_MAX_ATTEMPTS = 5
_BACKOFF_SECONDS = (0.2, 0.5, 1, 2, 5)
_POLL_MS = 1000


class PermanentEventError(Exception):
    """The event can never be handled (it contradicts our data); record it and move on."""


class EventConsumer:
    """Consumes topics in a consumer group and hands each new event to the handler once."""

    def __init__(
        self,
        *,
        name: str,
        topics: Sequence[str],
        handler: Handler,
        db: AsyncDatabase[Document] | None,
        settings: KafkaSettings,
        group_id: str,
        track_processed: bool = True,
    ) -> None:
        """`track_processed=False` is for handlers idempotent on their own (their writes are
        keyed by what the event names): it saves the marker's read and write per event. With
        no `db` (a process without a database, the gateway) nothing is tracked, and an event
        that cannot be handled is logged only."""
        if db is None and track_processed:
            raise ValueError("tracking processed events needs a database")
        self.name = name
        self._topics = list(topics)
        self._handler = handler
        self._processed = db[PROCESSED] if db is not None else None
        self._failed = db[FAILED] if db is not None else None
        self._settings = settings
        self._group_id = group_id
        self._client_id = f"{group_id}-{name}"
        self._track_processed = track_processed
        self._tracer = trace.get_tracer("expe.consumer")
        self._stopping = False

    def stop_soon(self) -> None:
        """Ends `run` once the batch in hand is handled and its offsets committed."""
        self._stopping = True

    async def run(self) -> None:
        """Consumes until cancelled or stopped, starting over whenever the broker or the database
        goes away."""
        attempt = 0
        prepared = False
        while not self._stopping:
            if not prepared:
                # Its topics and its group's coordinator first, so that joining a fresh broker
                # meets no "not found" (see shared.events.topics).
                prepared = await prepare(
                    self._settings, self._client_id, self._topics, self._group_id
                )
            consumer = AIOKafkaConsumer(
                *self._topics,
                bootstrap_servers=self._settings.bootstrap_servers,
                group_id=self._group_id,
                client_id=self._client_id,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                metadata_max_age_ms=30_000,
            )
            try:
                await consumer.start()
                logger.info("consumer joined its group", extra={"consumer": self.name})
                attempt = 0
                await self._consume(consumer)
            except KafkaError as error:
                logger.warning("consumer lost the broker", extra={"error": repr(error)})
            except PyMongoError as error:  # its own records could not be written: start over
                logger.warning("consumer lost the database", extra={"error": repr(error)})
            finally:
                await finish_despite_cancel(consumer.stop())
            if self._stopping:
                return
            await asyncio.sleep(_BACKOFF_SECONDS[min(attempt, len(_BACKOFF_SECONDS) - 1)])
            attempt += 1

    async def _consume(self, consumer: AIOKafkaConsumer) -> None:
        while not self._stopping:
            # Records are waited for a second at most: a stop is noticed within it.
            batches = await consumer.getmany(timeout_ms=_POLL_MS, max_records=200)
            if batches:
                await self._handle_batch([r for records in batches.values() for r in records])
                await consumer.commit({p: records[-1].offset + 1 for p, records in batches.items()})
            await record_consumer_lag(self.name, consumer, self._topics)

    async def _handle_batch(self, records: list[ConsumerRecord[bytes, bytes]]) -> None:
        """Handles the records of one key in order, those of different keys side by side.
        Kafka keeps order only within a partition, and a key's records always share one, so the
        order of one key's events (a merchant's, a wallet's) is all a handler can rely on; handled
        one by one, a busy topic waited on every handler's round trips in turn."""
        by_key: dict[bytes | None, list[ConsumerRecord[bytes, bytes]]] = {}
        for record in records:
            by_key.setdefault(record.key, []).append(record)

        async def in_order(of_key: list[ConsumerRecord[bytes, bytes]]) -> None:
            for record in of_key:
                await self._handle_record(record)

        try:
            async with asyncio.TaskGroup() as group:
                for of_key in by_key.values():
                    group.create_task(in_order(of_key))
        except ExceptionGroup as failed:
            # As when handled one by one: the first failure ends the batch (uncommitted, so it
            # comes back), and the caller sees the error itself.
            raise failed.exceptions[0] from None

    async def _handle_record(self, record: ConsumerRecord[bytes, bytes]) -> None:
        try:
            envelope = EventEnvelope.from_bytes(record.value or b"")
        except ValidationError as error:
            EVENTS_CONSUMED.labels(self.name, record.topic, "failed").inc()
            logger.error(
                "undecodable event skipped",
                extra={"topic": record.topic, "offset": record.offset, "error": str(error)},
            )
            return
        parent = context_from_kafka_headers(record.headers, envelope.traceparent)
        with self._tracer.start_as_current_span(
            f"consume {record.topic}", context=parent, kind=SpanKind.CONSUMER
        ) as span:
            span.set_attribute("messaging.message.id", envelope.id)
            outcome = await self._handle_once(envelope)
            EVENTS_CONSUMED.labels(self.name, record.topic, outcome).inc()

    async def _handle_once(self, envelope: EventEnvelope) -> str:
        marker_id = f"{self.name}:{envelope.id}"
        for attempt in itertools.count(1):
            try:
                if self._processed is None or not self._track_processed:
                    took_effect = await self._handler(envelope)
                    return "duplicate" if took_effect is False else "processed"
                if await self._processed.find_one({"_id": marker_id}, {"_id": 1}):
                    return "duplicate"
                await self._handler(envelope)
                marker = {"_id": marker_id, "type": envelope.type, "processedAt": datetime.now(UTC)}
                await insert_once(self._processed, marker)
                return "processed"
            except _TRANSIENT as error:
                logger.warning(
                    "event handling paused",
                    extra={"eventId": envelope.id, "attempt": attempt, "error": repr(error)},
                )
            except PermanentEventError as error:
                return await self._record_failure(envelope, error)
            except Exception as error:
                if attempt >= _MAX_ATTEMPTS:
                    return await self._record_failure(envelope, error)
                logger.warning(
                    "event handler failed, retrying",
                    extra={"eventId": envelope.id, "attempt": attempt, "error": repr(error)},
                )
            await asyncio.sleep(_BACKOFF_SECONDS[min(attempt, len(_BACKOFF_SECONDS)) - 1])
        raise AssertionError("unreachable")

    async def _record_failure(self, envelope: EventEnvelope, error: Exception) -> str:
        logger.error(
            "event recorded as failed", extra={"eventId": envelope.id, "error": repr(error)}
        )
        if self._failed is None:
            return "failed"
        await self._failed.replace_one(
            {"_id": f"{self.name}:{envelope.id}"},
            {
                "envelope": envelope.model_dump(mode="json", by_alias=True),
                "error": repr(error),
                "failedAt": datetime.now(UTC),
            },
            upsert=True,
        )
        return "failed"
