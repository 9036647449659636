"""Losing Kafka makes services unready; getting it back recovers them without a restart."""

from __future__ import annotations

import httpx
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from devstack.profile import SERVICES
from devstack.stack import Stack
from devstack.waiting import eventually, wait_until
from shared.events.outbox import Outbox
from tests.e2e.conftest import Account, Infrastructure
from tests.e2e.test_event_path import payment_created, summary

pytestmark = pytest.mark.e2e


def readiness(stack: Stack) -> dict[str, int]:
    return {
        name: httpx.get(f"{stack[name].url}/readyz", timeout=5).status_code for name in SERVICES
    }


async def test_kafka_outage_and_recovery(
    gateway: httpx.Client,
    stack: Stack,
    infrastructure: Infrastructure,
    payments_db: AsyncDatabase[dict],
    account: Account,
) -> None:
    pids_before = {name: stack[name].process.pid for name in SERVICES}  # type: ignore[union-attr]
    infrastructure.run("stop", "kafka")
    try:
        wait_until(
            lambda: set(readiness(stack).values()) == {503},
            timeout=60,
            what="every service to report unready",
        )
        body = httpx.get(f"{stack['payments'].url}/readyz", timeout=5).json()
        assert body["checks"]["kafka"]["ok"] is False
        assert body["checks"]["mongo"]["ok"] is True
        health = gateway.get("/healthz").json()
        assert health["status"] == "degraded"
        assert health["infrastructure"]["kafka"]["ok"] is False
        assert health["infrastructure"]["mongo"]["ok"] is True

        # Work accepted during the outage waits in the outbox.
        event = payment_created(account.merchant_id, 4_200)
        await Outbox(payments_db, "payments").add(event)
    finally:
        infrastructure.run("start", "kafka")

    wait_until(
        lambda: set(readiness(stack).values()) == {200},
        timeout=120,
        what="every service to recover",
    )
    assert gateway.get("/healthz").json()["status"] == "ok"
    rows = await eventually(
        lambda: summary(gateway, account.secret_key),
        timeout=90,
        what="the event held during the outage",
    )
    assert rows == [{"currency": "INR", "count": 1, "amount": 4_200}]
    # Recovered in place: no process was restarted.
    assert {name: stack[name].process.pid for name in SERVICES} == pids_before  # type: ignore[union-attr]
