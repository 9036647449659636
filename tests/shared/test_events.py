"""The outbox relay and the idempotent consumer against the real Kafka and local store."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from pymongo.asynchronous.database import AsyncDatabase

from devstack.profile import Profile
from devstack.waiting import eventually
from shared.events.consumer import FAILED, EventConsumer, PermanentEventError
from shared.events.envelope import EventEnvelope
from shared.events.outbox import (
    OUTBOX,
    OUTBOX_QUEUE,
    Outbox,
    OutboxRelay,
    new_event,
    outbox_document,
)
from shared.events.producer import EventProducer
from shared.events.topics import PARTITIONS, prepare
from shared.settings import KafkaSettings, OutboxSettings

pytestmark = pytest.mark.infra


@pytest.fixture
def kafka(profile: Profile) -> KafkaSettings:
    return KafkaSettings(bootstrap_servers=profile.kafka_bootstrap)


@pytest.fixture
def topic() -> str:
    return f"test.{secrets.token_hex(6)}"


@asynccontextmanager
async def running(*jobs: Awaitable[None]) -> AsyncIterator[None]:
    tasks = [asyncio.ensure_future(job) for job in jobs]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def publish_keyed(
    kafka: KafkaSettings, topic: str, messages: list[tuple[bytes, bytes]]
) -> None:
    """Publishes (key, value) pairs, in order."""
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_servers)
    await producer.start()
    try:
        for key, value in messages:
            await producer.send_and_wait(topic, value, key=key)
    finally:
        await producer.stop()


async def publish_raw(kafka: KafkaSettings, topic: str, *values: bytes) -> None:
    await publish_keyed(kafka, topic, [(b"same-partition", value) for value in values])


def event(topic: str, number: int) -> EventEnvelope:
    return new_event(topic, {"n": number}, producer="tests", merchant_id="mer_test")


def consumer(
    db: AsyncDatabase[dict],
    kafka: KafkaSettings,
    topic: str,
    handler: Callable[[EventEnvelope], Awaitable[None]],
) -> EventConsumer:
    return EventConsumer(
        name="test",
        topics=[topic],
        handler=handler,
        db=db,
        settings=kafka,
        group_id=f"group-{topic}",
    )


async def read_topic(kafka: KafkaSettings, topic: str, expected: int) -> list[EventEnvelope]:
    """Every message on the topic, raw: duplicates would show here."""
    reader = AIOKafkaConsumer(
        topic, bootstrap_servers=kafka.bootstrap_servers, auto_offset_reset="earliest"
    )
    await reader.start()
    messages: list[EventEnvelope] = []
    try:
        async with asyncio.timeout(60):
            while len(messages) < expected:
                batch = await reader.getmany(timeout_ms=500)
                messages += [EventEnvelope.from_bytes(m.value) for b in batch.values() for m in b]
        # Anything published twice would have arrived by now, right behind the rest.
        extra = await reader.getmany(timeout_ms=1000)
        messages += [EventEnvelope.from_bytes(m.value) for b in extra.values() for m in b]
    finally:
        await reader.stop()
    return messages


async def test_relay_publishes_pending_events_in_order_once(
    db: AsyncDatabase[dict], kafka: KafkaSettings, topic: str
) -> None:
    producer = EventProducer(kafka, client_id="relay-test")
    producer.start()
    outbox = Outbox(db, "tests")
    events = [event(topic, n) for n in range(30)]
    for envelope in events:
        await outbox.add(envelope)
    await outbox.add(events[0])  # writing the same event twice is harmless

    relays = [
        OutboxRelay(db, producer, OutboxSettings(poll_interval_seconds=0.05), outbox.written)
        for _ in range(2)
    ]
    async with running(*(relay.run() for relay in relays)):
        published = await read_topic(kafka, topic, expected=30)
        assert await db[OUTBOX].count_documents({"status": "pending"}) == 0
    await producer.stop()
    # Two relays ran; the lease let one publish, so each event is on the topic once, in order.
    assert [e.id for e in published] == [e.id for e in events]


async def test_a_producer_out_of_step_with_the_broker_is_replaced_and_nothing_is_lost(
    db: AsyncDatabase[dict], kafka: KafkaSettings, topic: str
) -> None:
    producer = EventProducer(kafka, client_id="relay-test")
    producer.start()
    await producer.wait_ready()
    outbox = Outbox(db, "tests")
    relay = OutboxRelay(db, producer, OutboxSettings(poll_interval_seconds=0.05), outbox.written)
    before, after = [event(topic, n) for n in range(5)], [event(topic, n) for n in range(5, 10)]
    async with running(relay.run()):
        for envelope in before:
            await outbox.add(envelope, key="same-partition")
        await read_topic(kafka, topic, expected=5)
        # What a broker restart that lost a batch leaves: the client's sequence numbers run
        # ahead of the broker's, which refuses every later batch as out of order.
        session = producer._connected()
        assert session._txn_manager is not None
        for partition in range(PARTITIONS):
            session._txn_manager.increment_sequence_number(TopicPartition(topic, partition), 1000)
        for envelope in after:
            await outbox.add(envelope, key="same-partition")
        published = await read_topic(kafka, topic, expected=10)
        assert producer._connected() is not session
    await producer.stop()
    assert sorted(e.id for e in published) == sorted(e.id for e in before + after)


async def test_an_event_whose_writer_died_before_queueing_it_is_still_published(
    db: AsyncDatabase[dict], kafka: KafkaSettings, topic: str
) -> None:
    producer = EventProducer(kafka, client_id="relay-test")
    producer.start()
    outbox = Outbox(db, "tests")
    orphan, queued = event(topic, 1), event(topic, 2)
    # The writer stored the event and died before its queue entry.
    await db[OUTBOX].insert_one(outbox_document(orphan))
    await outbox.add(queued)
    relay = OutboxRelay(db, producer, OutboxSettings(poll_interval_seconds=0.05), outbox.written)
    async with running(relay.run()):
        published = await read_topic(kafka, topic, expected=2)
    await producer.stop()
    assert sorted(e.id for e in published) == sorted([orphan.id, queued.id])
    assert await db[OUTBOX_QUEUE].count_documents({}) == 0


async def test_redelivered_events_take_effect_once(
    db: AsyncDatabase[dict], kafka: KafkaSettings, topic: str
) -> None:
    first, second, last = event(topic, 1), event(topic, 2), event(topic, 3)
    # `last` comes after the final duplicate, so once it is handled every duplicate was seen.
    sent = (first, first, second, first, last)
    await publish_raw(kafka, topic, *(e.to_bytes() for e in sent))
    handled: list[str] = []

    async def handle(envelope: EventEnvelope) -> None:
        handled.append(envelope.id)

    async with running(consumer(db, kafka, topic, handle).run()):
        await eventually(lambda: asyncio.sleep(0, last.id in handled), timeout=60, what="last")
    assert handled == [first.id, second.id, last.id]


async def test_bad_events_are_parked_and_the_line_moves_on(
    db: AsyncDatabase[dict], kafka: KafkaSettings, topic: str
) -> None:
    refused, broken, fine = event(topic, 1), event(topic, 2), event(topic, 3)
    attempts: dict[str, int] = {}

    async def handle(envelope: EventEnvelope) -> None:
        attempts[envelope.id] = attempts.get(envelope.id, 0) + 1
        if envelope.id == refused.id:
            raise PermanentEventError("refers to a payment we never saw")
        if envelope.id == broken.id:
            raise ValueError("a bug in the handler")

    await publish_raw(
        kafka, topic, b"not json", refused.to_bytes(), broken.to_bytes(), fine.to_bytes()
    )
    async with running(consumer(db, kafka, topic, handle).run()):
        await eventually(lambda: asyncio.sleep(0, fine.id in attempts), timeout=60, what="last")
    parked = {doc["envelope"]["id"]: doc["error"] async for doc in db[FAILED].find()}
    assert set(parked) == {refused.id, broken.id}
    assert "never saw" in parked[refused.id]
    # A permanent error is not retried; an unexpected one is, a few times, before parking.
    assert attempts[refused.id] == 1
    assert attempts[broken.id] == 5
    assert attempts[fine.id] == 1


async def test_events_of_one_key_are_handled_in_order_and_other_keys_side_by_side(
    db: AsyncDatabase[dict], kafka: KafkaSettings, topic: str
) -> None:
    keys = ("mer_a", "mer_b")
    sent = [(key, event(topic, n)) for n in range(5) for key in keys]
    await publish_keyed(kafka, topic, [(key.encode(), e.to_bytes()) for key, e in sent])
    key_of = {envelope.id: key for key, envelope in sent}
    started = {key: asyncio.Event() for key in keys}
    handled: list[str] = []
    waited_for_the_other: dict[str, bool] = {}

    async def handle(envelope: EventEnvelope) -> None:
        key = key_of[envelope.id]
        started[key].set()
        if key not in waited_for_the_other:
            # Each key's first event waits until the other key's handling has begun: handled
            # one after the other, whichever came first would wait in vain.
            other = next(k for k in keys if k != key)
            try:
                async with asyncio.timeout(20):
                    await started[other].wait()
                waited_for_the_other[key] = True
            except TimeoutError:
                waited_for_the_other[key] = False
        handled.append(envelope.id)

    async with running(consumer(db, kafka, topic, handle).run()):
        await eventually(
            lambda: asyncio.sleep(0, len(handled) == len(sent)), timeout=60, what="every event"
        )
    assert waited_for_the_other == {"mer_a": True, "mer_b": True}
    for key in keys:
        assert [i for i in handled if key_of[i] == key] == [e.id for k, e in sent if k == key]


async def test_missing_topics_are_created_once_and_a_group_finds_its_coordinator(
    kafka: KafkaSettings,
) -> None:
    topics = [f"test.{secrets.token_hex(6)}" for _ in range(2)]
    group = f"test-{secrets.token_hex(4)}"
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
    await admin.start()
    try:
        assert not set(topics) & set(await admin.list_topics())
        assert await prepare(kafka, "test-prepare", topics, group)
        # Again, as every service does on its start: nothing changes and nothing fails.
        assert await prepare(kafka, "test-prepare", topics)
        described = await admin.describe_topics(topics)
        coordinator = await admin.find_coordinator(group)
    finally:
        await admin.close()
    assert {t["topic"]: len(t["partitions"]) for t in described} == dict.fromkeys(
        topics, PARTITIONS
    )
    assert coordinator >= 0


async def test_an_unreachable_broker_is_reported_for_a_later_try() -> None:
    # Port 9 (discard): nothing answers there.
    assert not await prepare(KafkaSettings(bootstrap_servers="127.0.0.1:9"), "test", ["t"])
