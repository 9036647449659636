"""A SIGTERM under load loses no request: the payments service says at once that it is
draining, serves what still arrives for the drain time, finishes what it holds, publishes the
events it wrote, and stops; what it refused meanwhile succeeds once it is back, exactly once."""

from __future__ import annotations

import asyncio
import json
import secrets
import signal
import threading
import time

import httpx
import pymongo
import pytest

from devstack.accounts import bearer
from devstack.profile import Profile
from devstack.stack import Stack
from devstack.waiting import wait_until
from shared.events.outbox import OUTBOX
from tests.e2e.conftest import Account

pytestmark = pytest.mark.e2e

CLIENTS = 8


Answer = tuple[str, int, str | None, float]  # idempotency key, status, error code, when


async def _load(gateway_url: str, key: str, until: threading.Event, answers: list[Answer]) -> None:
    """CLIENTS merchants' servers creating payments, each with its own idempotency key."""

    async def client(client_id: int) -> None:
        async with httpx.AsyncClient(base_url=gateway_url, timeout=30) as http:
            while not until.is_set():
                idempotency_key = f"shutdown-{client_id}-{secrets.token_hex(6)}"
                response = await http.post(
                    "/api/v1/payments",
                    json={"amount": 1500, "currency": "INR", "orderId": idempotency_key},
                    headers={**bearer(key), "Idempotency-Key": idempotency_key},
                )
                code = None if response.status_code == 201 else response.json()["error"]["code"]
                answers.append((idempotency_key, response.status_code, code, time.monotonic()))

    await asyncio.gather(*(client(n) for n in range(CLIENTS)))


def test_a_sigterm_under_load_loses_no_request(
    gateway: httpx.Client, account: Account, stack: Stack, profile: Profile
) -> None:
    payments = stack["payments"]
    assert payments.process is not None
    answers: list[Answer] = []
    stop_load = threading.Event()
    # In asyncio.run, whose shutdown runs the callbacks that close the clients' sockets.
    sender = threading.Thread(
        target=asyncio.run,
        args=(_load(stack["gateway"].url, account.secret_key, stop_load, answers),),
    )
    sender.start()
    try:
        wait_until(lambda: len(answers) >= 50, timeout=60, what="the load to run")
        payments.process.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        readiness = httpx.get(f"{payments.url}/readyz", timeout=5)
        assert (readiness.status_code, readiness.json()["status"]) == (503, "draining")
        exit_code = payments.process.wait(timeout=60)
        stopped = time.monotonic()
    finally:
        stop_load.set()
        sender.join(timeout=60)
    assert exit_code in (0, -signal.SIGTERM)
    payments.start()
    payments.wait_ready()

    served_while_draining = [a for a in answers if signalled < a[3] < stopped and a[1] == 201]
    assert served_while_draining, "nothing was served during the drain"
    # Refusals to come back later (no payments process listened, or the clients outran their
    # rate limit), each with Retry-After; no request failed.
    outcomes = {(status, code) for _, status, code, _ in answers}
    assert outcomes <= {(201, None), (503, "service_unavailable"), (429, "rate_limited")}, outcomes

    lines = [json.loads(line) for line in payments.log_lines() if line.startswith("{")]
    said = [line["message"] for line in lines]
    assert "draining before stopping" in said
    assert "stopping with requests still in flight" not in said

    # The merchants' servers retry what was refused with the same key, as they should: each
    # payment exists once, whichever answer its first try got.
    # A refusal says when to come back (Retry-After), while the gateway's circuit to the
    # service waits for it to answer again.
    def retried(key: str) -> bool:
        response = gateway.post(
            "/api/v1/payments",
            json={"amount": 1500, "currency": "INR", "orderId": key},
            headers={**bearer(account.secret_key), "Idempotency-Key": key},
        )
        if response.status_code in (429, 503):
            time.sleep(int(response.headers["Retry-After"]))
            return False
        assert response.status_code == 201, response.text
        return True

    for key in [key for key, status, _, _ in answers if status != 201]:
        wait_until(lambda k=key: retried(k), timeout=60, what=f"payment {key} on retry")
    listed = gateway.get(
        "/api/v1/payments", params={"limit": 100}, headers=bearer(account.secret_key)
    ).json()
    assert listed["total"] == len({key for key, _, _, _ in answers})

    # Every event it wrote reached Kafka: the relay sent its batch before it stopped, and the
    # new process sends the rest.
    with pymongo.MongoClient(profile.mongo_url) as client:
        outbox = client[f"{profile.db_prefix}_payments"][OUTBOX]
        wait_until(
            lambda: outbox.count_documents({"status": "pending"}) == 0,
            timeout=30,
            what="every outbox event to be sent",
        )
