"""From events to messages: one per matching endpoint, queued for the dispatcher.

A message's id is derived from its endpoint and event, so an event handled twice (Kafka
redelivers, the consumer restarts) makes the same message once. The message id is the
`webhook-id` receivers see, stable across retries, so they can deduplicate too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any

from services.webhooks.events import PING, body_of, matches
from services.webhooks.store import WebhookStore
from shared.clock import now_ms
from shared.events.envelope import EventEnvelope
from shared.ids import derived_id, new_id
from shared.mongo import Document
from shared.tracing import current_traceparent

# A replay queues at most this many events at once; ask again from the last one for more.
REPLAY_LIMIT = 10_000
# Events a replay writes per round trip.
_REPLAY_BATCH = 500


def message_id(endpoint_id: str, event_id: str) -> str:
    return derived_id("msg", endpoint_id, event_id)


class MessageService:
    def __init__(
        self,
        store: WebhookStore,
        wake: asyncio.Event,
        clock: Callable[[], datetime] = now_ms,
    ) -> None:
        self._store = store
        self._wake = wake
        self._clock = clock

    async def ingest(self, event: EventEnvelope) -> int:
        """Makes a message for every enabled endpoint of the event's merchant and mode that
        wants it; returns how many. Events of merchants without endpoints in that mode are not
        kept (most merchants: one read per event); the others are, for replays."""
        mode = event.data.get("mode")
        if event.merchant_id is None or mode not in ("test", "live"):
            return 0
        endpoints = await self._store.endpoints_of(event.merchant_id, mode)
        if not endpoints:
            return 0
        occurred_at = event.occurred_at
        record = {
            "_id": event.id,
            "merchantId": event.merchant_id,
            "mode": mode,
            "type": event.type,
            "paymentId": event.data.get("paymentId"),
            "occurredAt": occurred_at,
            "body": body_of(event.id, event.type, occurred_at, event.merchant_id, mode, event.data),
        }
        await self._store.remember_event(record)
        made = 0
        for endpoint in endpoints:
            if endpoint["enabled"] and matches(endpoint["enabledEvents"], event.type):
                await self.make(endpoint, record, "event")
                made += 1
        return made

    async def make(self, endpoint: Document, event: Document, trigger: str) -> Document:
        """The message of `event` for `endpoint`, queued unless it is finished already."""
        now = self._clock()
        message = _message(endpoint, event, trigger, now)
        if not await self._store.insert_message(message):
            existing = await self._store.message(message["_id"])
            if existing is None or existing["status"] != "pending":
                # Delivered or given up already: an event seen again must not send it again.
                return existing or message
            message = existing
        await self._store.enqueue(_queue_entry(message, now))
        self._wake.set()
        return message

    async def test_event(self, endpoint: Document, event_type: str) -> Document:
        """A sample event of `event_type` through the normal pipeline (queue, signing,
        retries), marked as a test in its data."""
        now = self._clock()
        event_id = new_id("evt")
        data: dict[str, Any] = {"test": True, "mode": endpoint["mode"]}
        if event_type.startswith(("payment.", "refund.")):
            data.update(
                paymentId=new_id("pay"), amount=10_000, currency="INR", orderId="order_test"
            )
        elif event_type.startswith("payment_link."):
            data.update(paymentLinkId=new_id("plink"), amount=10_000, currency="INR")
        elif event_type.startswith("subscription."):
            data.update(subscriptionId=new_id("sub"), planId=new_id("plan"), status="active")
        elif event_type.startswith("dispute."):
            data.update(
                disputeId=new_id("dp"),
                paymentId=new_id("pay"),
                amount=10_000,
                fee=1_500,
                currency="INR",
                status="needs_response",
            )
        elif event_type.startswith("invoice."):
            data.update(
                invoiceId=new_id("in"), subscriptionId=new_id("sub"), amount=10_000, currency="INR"
            )
        event = {
            "_id": event_id,
            "type": event_type,
            "occurredAt": now,
            "body": body_of(
                event_id, event_type, now, endpoint["merchantId"], endpoint["mode"], data
            ),
        }
        return await self.make(endpoint, event, "test")

    def ping_body(self, endpoint: Document) -> tuple[str, str]:
        """A ping's message id and body (a ping is sent at once, never queued)."""
        now = self._clock()
        event_id = new_id("evt")
        body = body_of(
            event_id, PING, now, endpoint["merchantId"], endpoint["mode"], {"test": True}
        )
        return new_id("msg"), body

    async def replay(self, endpoint: Document, since: datetime, until: datetime | None) -> int:
        """Queues every event of the endpoint's merchant and mode in [since, until] that the
        endpoint subscribes to, delivered before or not; returns how many. A few round trips per
        batch of events, however many the batch holds, so a long replay answers in time."""
        events = await self._store.events_between(
            endpoint["merchantId"], endpoint["mode"], since, until or self._clock(), REPLAY_LIMIT
        )
        wanted = [event for event in events if matches(endpoint["enabledEvents"], event["type"])]
        for start in range(0, len(wanted), _REPLAY_BATCH):
            await self._replay_batch(endpoint, wanted[start : start + _REPLAY_BATCH])
        return len(wanted)

    async def _replay_batch(self, endpoint: Document, events: list[Document]) -> None:
        now = self._clock()
        made = [_message(endpoint, event, "replay", now) for event in events]
        known = {m["_id"]: m for m in await self._store.message_states([m["_id"] for m in made])}
        await self._store.insert_messages([m for m in made if m["_id"] not in known])
        # Finished ones are sent again with the same webhook-id; pending ones are on their way.
        finished = [m["_id"] for m in known.values() if m["status"] != "pending"]
        if finished:
            reopened = {"status": "pending", "nextAttemptAt": now, "reason": None}
            await self._store.update_messages(finished, reopened)
        queued = [known.get(m["_id"], m) for m in made]
        await self._store.enqueue_all([_queue_entry(m, now) for m in queued])
        self._wake.set()

    async def requeue(self, message: Document) -> None:
        """Sends a finished message again, with a fresh schedule and the same webhook-id."""
        now = self._clock()
        await self._store.update_message(
            message["_id"], {"status": "pending", "nextAttemptAt": now, "reason": None}
        )
        await self._store.enqueue(_queue_entry(message, now))
        self._wake.set()


def _message(endpoint: Document, event: Document, trigger: str, now: datetime) -> Document:
    """A new message of `event` for `endpoint`, pending."""
    return {
        "_id": message_id(endpoint["_id"], event["_id"]),
        "endpointId": endpoint["_id"],
        "merchantId": endpoint["merchantId"],
        "mode": endpoint["mode"],
        "eventId": event["_id"],
        "eventType": event["type"],
        "paymentId": event.get("paymentId"),
        "eventAt": event["occurredAt"],
        "body": event["body"],
        "trigger": trigger,
        "status": "pending",
        "attemptCount": 0,
        "seq": 0,
        "nextAttemptAt": now,
        "createdAt": now,
        # The trace that made it (the event's consumption, or the API request): each of its
        # attempts, later and perhaps on another replica, continues it.
        "traceparent": current_traceparent(),
    }


def _queue_entry(message: Document, now: datetime) -> Document:
    """The dispatcher's queue entry that sends `message` now, as its next attempt sequence."""
    return {
        "_id": message["_id"],
        "endpointId": message["endpointId"],
        "dueAt": now,
        "seq": message["seq"] + 1,
        "step": 0,
    }
