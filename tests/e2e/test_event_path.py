"""An event written to one service's outbox reaches another service's consumer exactly once."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from devstack.accounts import bearer
from devstack.profile import Profile
from devstack.stack import Stack
from devstack.waiting import eventually
from shared.events.envelope import PAYMENT_CREATED, EventEnvelope
from shared.events.outbox import OUTBOX, Outbox, new_event
from shared.ids import new_id
from tests.e2e.conftest import Account

pytestmark = pytest.mark.e2e


def payment_created(merchant_id: str, amount: int, currency: str = "INR") -> EventEnvelope:
    return new_event(
        PAYMENT_CREATED,
        producer="payments",
        merchant_id=merchant_id,
        data={
            "paymentId": new_id("pay"),
            "amount": amount,
            "currency": currency,
            "createdAt": datetime.now(UTC).isoformat(),
        },
    )


async def summary(gateway: httpx.Client, secret_key: str) -> list[dict]:
    """The merchant's payment summary, as its server sees it with its secret key."""
    response = gateway.get("/api/v1/analytics/payments/summary", headers=bearer(secret_key))
    assert response.status_code == 200, response.text
    return list(response.json()["paymentsCreated"])


def consumed(stack: Stack, outcome: str) -> float:
    metrics = httpx.get(f"{stack['analytics'].url}/metrics", timeout=5).text
    labels = f'consumer="payment-facts",outcome="{outcome}",topic="{PAYMENT_CREATED}"'
    pattern = rf"^expe_events_consumed_total{{{labels}}} (\S+)$"
    match = re.search(pattern, metrics, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


async def test_outbox_event_reaches_analytics_once(
    gateway: httpx.Client, payments_db: AsyncDatabase[dict], account: Account
) -> None:
    event = payment_created(account.merchant_id, 12_345)
    await Outbox(payments_db, "payments").add(event)

    async def counted() -> list[dict]:
        return await summary(gateway, account.secret_key)

    assert await eventually(counted, what="analytics to count the payment") == [
        {"currency": "INR", "count": 1, "amount": 12_345}
    ]
    stored = await payments_db[OUTBOX].find_one({"_id": event.id})
    assert stored is not None and stored["status"] == "sent"


async def test_redelivered_event_takes_effect_once(
    gateway: httpx.Client,
    payments_db: AsyncDatabase[dict],
    profile: Profile,
    stack: Stack,
    account: Account,
) -> None:
    merchant = account.merchant_id
    event = payment_created(merchant, 500)
    await Outbox(payments_db, "payments").add(event)
    await eventually(lambda: summary(gateway, account.secret_key), what="first delivery")
    duplicates_before = consumed(stack, "duplicate")

    # Kafka redelivers: the same envelope arrives twice more, then a new event on the same
    # partition (same key) marks the point the consumer must have passed.
    sentinel = payment_created(merchant, 7, currency="USD")
    producer = AIOKafkaProducer(bootstrap_servers=profile.kafka_bootstrap)
    await producer.start()
    try:
        for envelope in (event, event, sentinel):
            await producer.send_and_wait(envelope.topic, envelope.to_bytes(), key=merchant.encode())
    finally:
        await producer.stop()

    async def sentinel_counted() -> list[dict]:
        rows = await summary(gateway, account.secret_key)
        return rows if any(row["currency"] == "USD" for row in rows) else []

    rows = await eventually(sentinel_counted, what="the sentinel event")
    assert rows == [
        {"currency": "INR", "count": 1, "amount": 500},
        {"currency": "USD", "count": 1, "amount": 7},
    ]
    assert consumed(stack, "duplicate") - duplicates_before == 2


@pytest.mark.parametrize("crash", [False, True], ids=["graceful-restart", "kill-9"])
async def test_event_survives_restart_of_the_producer_before_relay(
    gateway: httpx.Client,
    payments_db: AsyncDatabase[dict],
    stack: Stack,
    account: Account,
    crash: bool,
) -> None:
    payments = stack["payments"]
    payments.kill() if crash else payments.stop()
    # Written while the producing service is down: nothing can have relayed it yet.
    event = payment_created(account.merchant_id, 999)
    await Outbox(payments_db, "payments").add(event)
    stored = await payments_db[OUTBOX].find_one({"_id": event.id})
    assert stored is not None and stored["status"] == "pending"

    payments.start()
    rows = await eventually(
        lambda: summary(gateway, account.secret_key), timeout=60, what="the event after restart"
    )
    assert rows == [{"currency": "INR", "count": 1, "amount": 999}]
