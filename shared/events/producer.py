"""A Kafka producer that starts while the broker is down and recovers by itself."""

from __future__ import annotations

import asyncio
import logging

from aiokafka import AIOKafkaProducer
from aiokafka.errors import (
    InvalidProducerEpoch,
    KafkaError,
    OutOfOrderSequenceNumber,
    ProducerFenced,
    UnknownProducerId,
)
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from shared.errors import ServiceUnavailable
from shared.events.envelope import TOPICS, EventEnvelope
from shared.events.topics import prepare
from shared.settings import KafkaSettings
from shared.tasks import finish_despite_cancel
from shared.tracing import context_of, kafka_headers

logger = logging.getLogger("expe.kafka")
_tracer = trace.get_tracer("expe.kafka")

_RETRY_SECONDS = (0.5, 1, 2, 5)

# Refusals that leave a producer's idempotent session out of step with the broker for good
# (after a broker restart that lost a batch, say): the client numbers every later batch on from
# the refused one, so each is refused in turn. Only a new session, a new producer, sends again.
_SESSION_LOST = (OutOfOrderSequenceNumber, UnknownProducerId, ProducerFenced, InvalidProducerEpoch)
# How long a lost session's producer may take to close before it is left behind.
_CLOSE_SECONDS = 5.0


class EventProducer:
    """Publishes envelopes with acks from all in-sync replicas and broker-side deduplication."""

    def __init__(self, settings: KafkaSettings, client_id: str) -> None:
        self._settings = settings
        self._client_id = client_id
        self._producer: AIOKafkaProducer | None = None
        self._ready = asyncio.Event()
        self._starter: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Connects in the background, retrying, so a broker outage never blocks start-up."""
        self._starter = asyncio.create_task(self._connect(), name="kafka-producer-connect")

    async def _connect(self) -> None:
        attempt = 0
        while True:
            producer = AIOKafkaProducer(
                bootstrap_servers=self._settings.bootstrap_servers,
                client_id=self._client_id,
                acks="all",
                enable_idempotence=True,
                linger_ms=5,
                request_timeout_ms=10_000,
            )
            try:
                await producer.start()
            except KafkaError as error:
                await producer.stop()
                delay = _RETRY_SECONDS[min(attempt, len(_RETRY_SECONDS) - 1)]
                if attempt == 0:
                    logger.warning("kafka not reachable, retrying", extra={"error": repr(error)})
                attempt += 1
                await asyncio.sleep(delay)
                continue
            except asyncio.CancelledError:
                # Stopped while connecting: the client's own tasks must not outlive the service.
                await finish_despite_cancel(producer.stop())
                raise
            # The topics exist before the first event is sent to one (see shared.events.topics).
            await prepare(self._settings, self._client_id, TOPICS)
            self._producer = producer
            self._ready.set()
            logger.info("kafka producer connected")
            return

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    async def wait_ready(self) -> None:
        await self._ready.wait()

    def _connected(self) -> AIOKafkaProducer:
        if self._producer is None:
            raise ServiceUnavailable("The event broker is not reachable yet.")
        return self._producer

    async def publish(self, envelope: EventEnvelope, key: str | None = None) -> None:
        """Sends one envelope and waits for the broker's acknowledgement."""
        await self.publish_many([(envelope, key)])

    async def publish_many(self, batch: list[tuple[EventEnvelope, str | None]]) -> None:
        """Sends a batch together and waits for every acknowledgement; raises if any failed.

        Each event gets a producer span in the trace that caused it (its `traceparent`), ended
        by the broker's acknowledgement; its consumers continue from that span."""
        producer = self._connected()
        spans = [_publish_span(envelope) for envelope, _ in batch]
        try:
            futures = [
                await producer.send(
                    envelope.topic,
                    value=envelope.to_bytes(),
                    key=key.encode() if key else None,
                    headers=_envelope_headers(envelope, span),
                )
                for (envelope, key), span in zip(batch, spans, strict=True)
            ]
            await asyncio.gather(*futures)
        except BaseException as error:
            for span in spans:
                span.record_exception(error)
                span.set_status(Status(StatusCode.ERROR))
            if isinstance(error, _SESSION_LOST):
                self._renew(producer, error)
            raise
        finally:
            for span in spans:
                span.end()

    def _renew(self, lost: AIOKafkaProducer, error: KafkaError) -> None:
        """Replaces a producer whose session was lost; the caller's batch stays unsent (the
        outbox relay sends it again, so it is published once the new producer is connected)."""
        if self._producer is not lost:  # a concurrent publish renewed it already
            return
        logger.warning(
            "kafka producer session lost, starting a new one", extra={"error": repr(error)}
        )
        self._producer = None
        self._ready.clear()
        self._starter = asyncio.create_task(self._replace(lost), name="kafka-producer-renew")

    async def _replace(self, lost: AIOKafkaProducer) -> None:
        try:
            async with asyncio.timeout(_CLOSE_SECONDS):
                await lost.stop()
        except (TimeoutError, KafkaError) as error:
            logger.warning("lost kafka producer did not close", extra={"error": repr(error)})
        await self._connect()

    async def probe(self) -> None:
        """Raises unless the broker answers a metadata request within the probe timeout."""
        producer = self._connected()
        async with asyncio.timeout(self._settings.probe_timeout_seconds):
            metadata = await producer.client.fetch_all_metadata()
        if not metadata.brokers():
            raise ServiceUnavailable("The event broker reported no live brokers.")

    async def stop(self) -> None:
        if self._starter is not None:
            self._starter.cancel()
        if self._producer is not None:
            await self._producer.stop()


def _publish_span(envelope: EventEnvelope) -> trace.Span:
    # Parented by the trace that caused the event (the request that wrote it to the outbox),
    # not by whatever the relay was doing when it sent it.
    return _tracer.start_span(
        f"publish {envelope.topic}",
        context=context_of(envelope.traceparent),
        kind=SpanKind.PRODUCER,
        attributes={
            "messaging.system": "kafka",
            "messaging.destination.name": envelope.topic,
            "messaging.message.id": envelope.id,
        },
    )


def _envelope_headers(envelope: EventEnvelope, span: trace.Span) -> list[tuple[str, bytes]]:
    headers = kafka_headers(span)
    headers.append(("event-type", envelope.type.encode()))
    headers.append(("event-id", envelope.id.encode()))
    return headers
