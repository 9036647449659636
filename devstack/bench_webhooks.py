"""The bench's webhook delivery scenario: a local receiver, the merchant's endpoint, the payments
to complete, and the event-to-delivery figures.

The measured path is confirm -> payment.completed in the payments outbox -> Kafka -> the
webhooks consumer and dispatcher -> the receiver here, so latency is the receiver's arrival time
minus the event's own `timestamp`, not the dispatcher's view of it.
"""

from __future__ import annotations

import contextlib
import json
import math
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from pymongo import MongoClient
from starlette.types import Receive, Scope, Send

from devstack.accounts import bearer
from devstack.profile import Profile
from devstack.serving import serve_in_thread
from devstack.waiting import wait_until

EVENT = "payment.completed"
SANDBOX_CARD = {
    "method": "card",
    "card": {"number": "4242424242424242", "expMonth": 12, "expYear": 2099, "cvc": "123"},
}
# A lone payment confirmed and delivered this fast means the stack has finished earlier work.
SETTLED_ROUND_TRIP_SECONDS = 1.0
SETTLE_TIMEOUT_SECONDS = 300.0
# After the last confirm, how long deliveries may take to arrive before the bench stops waiting.
DELIVERY_DEADLINE_SECONDS = 60.0
# The receiver sees a delivery before the dispatcher records it and leaves the queue: give it
# this long to do so, so a just-finished delivery does not count as backlog.
SETTLE_SECONDS = 5.0


def confirm_path(payment_id: str) -> str:
    return f"/api/v1/checkout/payments/{payment_id}/confirm"


@dataclass(frozen=True)
class Delivery:
    webhook_id: str
    event_type: str
    payment_id: str | None
    # Unix seconds: when the event was made (the body's `timestamp`) and when it got here.
    event_at: float
    arrived_at: float


class Receiver:
    """A merchant's webhook receiver: answers 204 at once and records every delivery."""

    def __init__(self) -> None:
        self._deliveries: list[Delivery] = []
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        body = b""
        more = True
        while more:
            chunk = await receive()
            body += chunk.get("body", b"")
            more = chunk.get("more_body", False)
        arrived_at = time.time()
        headers = dict(scope["headers"])
        event = json.loads(body) if body else {}
        timestamp = event.get("timestamp")
        delivery = Delivery(
            webhook_id=headers.get(b"webhook-id", b"").decode(),
            event_type=str(event.get("type")),
            payment_id=event.get("data", {}).get("paymentId"),
            event_at=datetime.fromisoformat(timestamp).timestamp() if timestamp else arrived_at,
            arrived_at=arrived_at,
        )
        with self._lock:
            self._deliveries.append(delivery)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    def deliveries(self, event_type: str = EVENT) -> list[Delivery]:
        with self._lock:
            return [d for d in self._deliveries if d.event_type == event_type]

    def arrival(self, payment_id: str) -> float:
        """When the payment's first webhook arrived; 0 while none has."""
        arrivals = [d.arrived_at for d in self.deliveries() if d.payment_id == payment_id]
        return min(arrivals, default=0)

    def distinct(self, event_type: str = EVENT) -> int:
        return len({d.webhook_id for d in self.deliveries(event_type)})

    def clear(self) -> None:
        with self._lock:
            self._deliveries.clear()


@contextlib.contextmanager
def serving(receiver: Receiver) -> Iterator[str]:
    """Serves the receiver on a free loopback port in a thread; yields its hook URL."""
    with serve_in_thread(receiver, lifespan="off", access_log=False) as url:
        yield f"{url}/hook"


def register_endpoint(gateway: httpx.Client, secret_key: str, url: str) -> str:
    """The merchant's endpoint for completed payments (test mode may call loopback over http)."""
    response = gateway.post(
        "/api/v1/webhooks/endpoints",
        json={"url": url, "enabledEvents": [EVENT]},
        headers={**bearer(secret_key), "Idempotency-Key": f"bench-{uuid.uuid4()}"},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def delete_endpoint(gateway: httpx.Client, secret_key: str, endpoint_id: str) -> None:
    response = gateway.delete(
        f"/api/v1/webhooks/endpoints/{endpoint_id}", headers=bearer(secret_key)
    )
    assert response.status_code == 204, response.text


def create_payments(gateway: httpx.Client, secret_key: str, count: int) -> list[str]:
    """Payments waiting for the customer; made before the clock starts, only confirms are timed."""
    ids = []
    for n in range(count):
        response = gateway.post(
            "/api/v1/payments",
            json={"amount": 10_000 + n, "currency": "INR", "orderId": f"bench-hook-{n}"},
            headers={**bearer(secret_key), "Idempotency-Key": f"bench-{uuid.uuid4()}"},
        )
        assert response.status_code == 201, response.text
        ids.append(str(response.json()["id"]))
    return ids


def round_trip(gateway: httpx.Client, secret_key: str, receiver: Receiver) -> float:
    """Seconds from confirming one payment to its webhook's arrival."""
    [payment_id] = create_payments(gateway, secret_key, 1)
    started = time.time()
    confirmed = gateway.post(
        confirm_path(payment_id), json=SANDBOX_CARD, headers=bearer(secret_key)
    )
    assert confirmed.status_code == 200, confirmed.text
    arrived_at = wait_until(
        lambda: receiver.arrival(payment_id),
        timeout=120,
        interval=0.1,
        what="the settling payment's webhook",
    )
    return arrived_at - started


def settle(gateway: httpx.Client, secret_key: str, receiver: Receiver) -> float | None:
    """Completes one payment at a time until one is confirmed and delivered quickly; returns
    how long that took, or None if the stack stayed busy. Earlier scenarios leave work behind:
    requests their clients gave up on still run (an overloaded transfer finishes minutes
    later), and their events still flow. Without this the figures would measure that too."""
    started = time.monotonic()
    while round_trip(gateway, secret_key, receiver) > SETTLED_ROUND_TRIP_SECONDS:
        if time.monotonic() - started > SETTLE_TIMEOUT_SECONDS:
            receiver.clear()
            return None
        time.sleep(1)
    receiver.clear()
    return time.monotonic() - started


def succeeded(profile: Profile, payment_ids: list[str]) -> int:
    """How many of these payments have succeeded, read by `_id` (a list filtered on status
    would scan every payment on the local store, and compete with the deliveries measured)."""
    client: MongoClient[dict[str, Any]] = MongoClient(profile.mongo_url)
    try:
        payments = client[f"{profile.db_prefix}_payments"]["payments"]
        found = payments.find({"_id": {"$in": payment_ids}}, {"status": 1})
        return sum(1 for doc in found if doc["status"] == "succeeded")
    finally:
        client.close()


def wait_for_deliveries(profile: Profile, payment_ids: list[str], receiver: Receiver) -> int:
    """Waits until every one of these payments that completed has its webhook, or the deadline
    passed; returns how many completed. Counted on the server, not from the confirms' answers:
    a confirm the client gave up on may still have completed its payment."""
    deadline = time.monotonic() + DELIVERY_DEADLINE_SECONDS
    while True:
        completed = succeeded(profile, payment_ids)
        if receiver.distinct() >= completed or time.monotonic() >= deadline:
            return completed
        time.sleep(0.5)


def backlog(profile: Profile) -> int:
    """Messages still queued for delivery, once the dispatcher had a moment to dequeue the
    deliveries it just made (the queue collection is what the backlog gauge counts)."""
    client: MongoClient[dict[str, Any]] = MongoClient(profile.mongo_url)
    try:
        queue = client[f"{profile.db_prefix}_webhooks"]["queue"]
        deadline = time.monotonic() + SETTLE_SECONDS
        while (left := queue.count_documents({})) and time.monotonic() < deadline:
            time.sleep(0.2)
        return left
    finally:
        client.close()


def _percentile(sorted_ms: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least `fraction` of them at or below it."""
    return sorted_ms[max(0, math.ceil(fraction * len(sorted_ms)) - 1)]


def print_deliveries(
    receiver: Receiver, completed: int, rate: int, left: int, settled_after: float | None
) -> None:
    deliveries = receiver.deliveries()
    first: dict[str, Delivery] = {}
    for delivery in sorted(deliveries, key=lambda d: d.arrived_at):
        first.setdefault(delivery.webhook_id, delivery)
    # A retry or redelivery of the same message counts as a duplicate, not a second latency.
    latencies = sorted((d.arrived_at - d.event_at) * 1000 for d in first.values())
    if latencies:
        figures = "  ".join(
            f"{name} {_percentile(latencies, fraction):.1f} ms"
            for name, fraction in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))
        )
        latency_line = f"{figures}  max {latencies[-1]:.1f} ms"
    else:
        latency_line = "no deliveries"
    if settled_after is None:
        settled = f"started anyway: earlier work still running after {SETTLE_TIMEOUT_SECONDS:.0f} s"
    else:
        settled = f"started after {settled_after:.0f} s waiting for earlier work to finish"
    print(
        "webhook delivery (confirm -> outbox -> Kafka -> webhooks -> receiver)\n"
        f"  payments completed {completed} at {rate}/s; deliveries {len(first)}/{completed}, "
        f"duplicates {len(deliveries) - len(first)}\n"
        f"  event-to-delivery {latency_line}\n"
        f"  backlog at end {left}\n"
        f"  {settled}",
        flush=True,
    )
