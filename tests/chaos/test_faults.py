"""Faults one after another under a steady load, each followed by every invariant once the mesh
has settled: a `kill -9` of each process (restarted a few seconds later), a restart of Kafka, of
Redis and of the store, and a webhook receiver down, then slow, then back."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from devstack.accounts import bearer
from devstack.profile import PROCESSES
from devstack.stack import Stack
from devstack.waiting import wait_until
from tests.chaos.conftest import SwitchedReceiver
from tests.chaos.invariants import Databases, Tally, World, hold_within
from tests.chaos.load import Load
from tests.e2e.conftest import Infrastructure
from tests.receivers import Answer

pytestmark = pytest.mark.e2e

# About a third of what `make bench` sustains on this machine (README "Performance": about 100
# creates, 100 confirms or 75 transfers a second): a flow is two or three requests.
FLOWS_PER_SECOND = 6
# How long a killed process stays dead, and a receiver down or slow.
DOWN_SECONDS = 2
# How long the mesh may take to settle after a fault: a request cut off by a crash holds its
# idempotency key for 30 s (shared/idempotency.py) before its retry may run, and the payments
# sweeper, sweeping every 30 s, finishes a state change cut off half way once it is a minute
# old: up to 90 s, more when a loaded machine slows the sweep itself.
SETTLE_SECONDS = 180
# Far enough back that a message pending when the receiver went down is replayed too.
REPLAY_MARGIN = timedelta(seconds=15)


@pytest.fixture(scope="module")
def load(stack: Stack, world: World, tally: Tally) -> Iterator[Load]:
    running = Load(stack["gateway"].url, world.party, FLOWS_PER_SECOND)
    running.start()
    yield running
    running.stop()
    tally.count(running.snapshot())


def kill(stack: Stack, name: str) -> None:
    process = stack[name]
    process.kill()
    time.sleep(DOWN_SECONDS)  # the outage itself: the process stays dead this long
    process.start()
    process.wait_ready(timeout=120)


def restart_redis(stack: Stack, infrastructure: Infrastructure, world: World) -> None:
    """Redis down: the gateway lets API-key traffic through without rate limits (it logs so and
    counts each such request), stays ready (degraded), and limits again once Redis is back."""
    gateway = stack["gateway"]
    key = world.party.merchants[0].secret_key
    infrastructure.run("stop", "redis")
    try:
        # Served, with no limit to report: the limiter could not be asked.
        wait_until(
            lambda: _listed(gateway.url, key),
            timeout=30,
            what="a request served while Redis is down",
        )
        ready = httpx.get(f"{gateway.url}/readyz", timeout=5)
        assert (ready.status_code, ready.json()["status"]) == (200, "degraded")
        said = [json.loads(line).get("message") for line in gateway.log_lines() if "{" in line]
        assert "rate limits unchecked while Redis is down" in said
        metrics = httpx.get(f"{gateway.url}/metrics", timeout=5).text
        assert _counter(metrics, "expe_rate_limit_unchecked_total") > 0
    finally:
        infrastructure.run("start", "redis")
    wait_until(lambda: _limited(gateway.url, key), timeout=30, what="rate limits to apply again")


def _listed(url: str, key: str) -> httpx.Response | None:
    response = httpx.get(f"{url}/api/v1/payments?limit=1", headers=bearer(key), timeout=10)
    return (
        response
        if response.status_code == 200 and "RateLimit-Limit" not in response.headers
        else None
    )


def _limited(url: str, key: str) -> httpx.Response | None:
    response = httpx.get(f"{url}/api/v1/payments?limit=1", headers=bearer(key), timeout=10)
    return (
        response if response.status_code == 200 and "RateLimit-Limit" in response.headers else None
    )


def _counter(metrics: str, name: str) -> float:
    for line in metrics.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return 0.0


def receiver_down_slow_back(
    gateway: httpx.Client, world: World, switched: SwitchedReceiver
) -> None:
    """Down (endpoints failing long enough are disabled), then slow (answers beyond and near
    the attempt timeout), then back; each merchant then does what the guide says: turns its
    endpoint back on and replays from when it failed."""
    receiver = switched.receiver
    went_down = datetime.now(UTC)
    world.outages.append(went_down)
    switched.down()
    time.sleep(DOWN_SECONDS)  # the outage itself
    # The e2e stack gives up on an attempt after 3 s.
    receiver.answer_with(Answer(delay=4), Answer(delay=4), default=Answer(delay=2.5))
    switched.up()
    time.sleep(DOWN_SECONDS)  # slow for this long
    receiver.answer_with(default=Answer())
    # The merchant turns its endpoint back on at once, while slow attempts may still be waiting.
    for merchant in world.party.merchants:
        endpoint_id = world.endpoints[merchant.merchant_id]
        headers = bearer(merchant.secret_key)
        turned_on = gateway.patch(
            f"/api/v1/webhooks/endpoints/{endpoint_id}", json={"enabled": True}, headers=headers
        )
        assert turned_on.status_code == 200, turned_on.text
    since = went_down - REPLAY_MARGIN
    for merchant in world.party.merchants:
        endpoint_id = world.endpoints[merchant.merchant_id]
        replayed = gateway.post(
            f"/api/v1/webhooks/endpoints/{endpoint_id}/replay",
            json={"since": since.isoformat()},
            headers=bearer(merchant.secret_key),
        )
        assert replayed.status_code == 202, replayed.text
    world.replays.append((since, datetime.now(UTC)))


FAULTS = [*(f"kill {name}" for name in PROCESSES), "restart kafka", "restart redis"]
FAULTS += ["restart store", "webhook receiver down, slow, back"]


@pytest.mark.timeout(600)
@pytest.mark.parametrize("fault", FAULTS)
async def test_a_fault_under_load_breaks_no_invariant(
    fault: str,
    load: Load,
    stack: Stack,
    gateway: httpx.Client,
    infrastructure: Infrastructure,
    world: World,
    switched_receiver: SwitchedReceiver,
    databases: Databases,
    tally: Tally,
) -> None:
    before = len(load.snapshot())
    load.resume()
    wait_until(lambda: len(load.snapshot()) >= before + 10, timeout=60, what="the load to run")
    action, _, target = fault.partition(" ")
    began = time.monotonic()
    if action == "kill":
        kill(stack, target)
    elif target == "redis":
        restart_redis(stack, infrastructure, world)
    elif action == "restart":
        infrastructure.run("restart", target)
    else:
        receiver_down_slow_back(gateway, world, switched_receiver)
    # The load keeps running until the mesh answers again, then stops for the check.
    for name in PROCESSES:
        stack[name].wait_ready(timeout=120)
    back = time.monotonic()
    tally.faults.append(fault)
    load.pause()
    wait_until(load.settled, timeout=SETTLE_SECONDS, interval=0.5, what="every flow to end")
    settled = time.monotonic()
    calls = load.snapshot()
    unanswered = [c for c in calls if c.status is None]
    assert not unanswered, f"{len(unanswered)} requests never answered: {unanswered[:3]}"

    try:
        await hold_within(fault, SETTLE_SECONDS, databases, world, calls, tally)
    finally:
        tally.timings.append(
            f"{fault}: back in {back - began:.0f} s, requests settled in {settled - back:.0f} s,"
            f" invariants held after {time.monotonic() - settled:.0f} s"
        )
