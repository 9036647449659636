"""Domain events become messages once, however often Kafka delivers them."""

from __future__ import annotations

import asyncio

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from services.webhooks.messages import MessageService
from services.webhooks.store import WebhookStore
from shared.events.envelope import PAYMENT_COMPLETED, PAYMENT_CREATED, EventEnvelope
from shared.ids import new_id

pytestmark = pytest.mark.infra


def payment_event(merchant_id: str, event_type: str = PAYMENT_COMPLETED) -> EventEnvelope:
    return EventEnvelope(
        type=event_type,
        producer="payments",
        merchant_id=merchant_id,
        data={"paymentId": new_id("pay"), "mode": "test", "amount": 100, "currency": "INR"},
    )


async def endpoint(db: AsyncDatabase[dict], merchant_id: str, events: list[str]) -> str:
    endpoint_id = new_id("we")
    await db.endpoints.insert_one(
        {
            "_id": endpoint_id,
            "merchantId": merchant_id,
            "mode": "test",
            "url": "http://127.0.0.1:9/hook",
            "enabledEvents": events,
            "enabled": True,
        }
    )
    return endpoint_id


async def test_a_redelivered_event_makes_one_message_and_a_delivered_one_stays_delivered(
    db: AsyncDatabase[dict],
) -> None:
    merchant = new_id("mer")
    wanted = await endpoint(db, merchant, ["payment.completed"])
    await endpoint(db, merchant, ["refund.issued"])
    messages = MessageService(WebhookStore(db), asyncio.Event())
    event = payment_event(merchant)

    assert await messages.ingest(event) == 1
    assert await messages.ingest(event) == 1
    (message,) = await db.messages.find().to_list()
    assert message["endpointId"] == wanted and message["eventId"] == event.id
    assert [q["_id"] for q in await db.queue.find().to_list()] == [message["_id"]]

    # Delivered and dequeued, then Kafka hands the event over once more: nothing is queued.
    await db.messages.update_one({"_id": message["_id"]}, {"$set": {"status": "delivered"}})
    await db.queue.delete_many({})
    await messages.ingest(event)
    assert await db.queue.count_documents({}) == 0
    assert await db.messages.count_documents({}) == 1


async def test_events_of_merchants_without_endpoints_are_not_kept(
    db: AsyncDatabase[dict],
) -> None:
    messages = MessageService(WebhookStore(db), asyncio.Event())
    merchant = new_id("mer")
    assert await messages.ingest(payment_event(merchant, PAYMENT_CREATED)) == 0
    assert await db.events.count_documents({}) == 0
    # With an endpoint, even one not subscribed to the type, the event is kept for replays.
    await endpoint(db, merchant, ["refund.issued"])
    assert await messages.ingest(payment_event(merchant, PAYMENT_CREATED)) == 0
    assert await db.events.count_documents({}) == 1
