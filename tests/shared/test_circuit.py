"""Calls between services: a service that keeps failing is not called for a cool-down, then
one trial call decides; a call that got no connection is sent again only when that is safe."""

from __future__ import annotations

import asyncio
import time

import pytest
from fastapi import FastAPI, Response
from prometheus_client import REGISTRY

from devstack.serving import free_port, serve_in_thread
from shared.circuit import CircuitBreaker, State
from shared.errors import ServiceUnavailable, UpstreamTimeout
from shared.internal_http import ServiceClient
from shared.settings import CallSettings


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_circuit_opens_after_failures_in_a_row_and_a_trial_closes_it() -> None:
    clock = Clock()
    circuit = CircuitBreaker("wallet-a", failure_threshold=3, cool_down_seconds=5, clock=clock)
    for _ in range(2):
        circuit.before_call()
        circuit.failed()
    circuit.before_call()
    circuit.record(200)  # an answer in between: the run of failures starts again
    for _ in range(3):
        circuit.before_call()
        circuit.failed()
    assert circuit.state is State.OPEN

    clock.now += 2
    with pytest.raises(ServiceUnavailable) as refused:
        circuit.before_call()
    assert refused.value.headers == {"Retry-After": "3"}

    clock.now += 3
    circuit.before_call()  # the cool-down is over: one trial goes through...
    assert circuit.state is State.HALF_OPEN
    with pytest.raises(ServiceUnavailable):
        circuit.before_call()  # ...and only one
    circuit.record(201)
    assert circuit.state is State.CLOSED
    circuit.before_call()


def test_a_failed_trial_opens_the_circuit_again_and_an_abandoned_one_allows_another() -> None:
    clock = Clock()
    circuit = CircuitBreaker("wallet-b", failure_threshold=1, cool_down_seconds=5, clock=clock)
    circuit.before_call()
    circuit.record(503)
    assert circuit.state is State.OPEN
    clock.now += 5
    circuit.before_call()
    circuit.abandoned()  # the caller gave up: nothing learnt, another may try
    circuit.before_call()
    circuit.record(502)
    assert circuit.state is State.OPEN
    with pytest.raises(ServiceUnavailable):
        circuit.before_call()


def test_answers_about_the_request_do_not_count_as_failures() -> None:
    circuit = CircuitBreaker("wallet-c", failure_threshold=1)
    for status in (400, 404, 409, 422, 500):
        circuit.before_call()
        circuit.record(status)
    assert circuit.state is State.CLOSED


def _metric(name: str, upstream: str) -> float:
    return REGISTRY.get_sample_value(name, {"upstream": upstream}) or 0.0


async def test_a_service_that_is_down_is_refused_at_once_then_called_again_when_back() -> None:
    port = free_port()
    calls = CallSettings(circuit_failure_threshold=2, circuit_cool_down_seconds=0.5, retries=0)
    app = FastAPI()

    @app.get("/thing")
    async def thing() -> Response:
        return Response(b"ok")

    async with ServiceClient(
        "down-then-up", f"http://127.0.0.1:{port}", timeout=2, calls=calls
    ) as client:
        for _ in range(2):
            with pytest.raises(ServiceUnavailable, match="unavailable"):
                await client.request("GET", "/thing")
        assert _metric("expe_circuit_state", "down-then-up") == 1
        started = time.perf_counter()
        with pytest.raises(ServiceUnavailable, match="paused") as refused:
            await client.request("GET", "/thing")
        assert time.perf_counter() - started < 0.05 and refused.value.headers["Retry-After"] == "1"
        assert _metric("expe_circuit_refused_total", "down-then-up") == 1

        with serve_in_thread(app, port):
            answer = None
            while answer is None:  # refused until the cool-down ends, then the trial succeeds
                try:
                    answer = await client.request("GET", "/thing")
                except ServiceUnavailable:
                    await asyncio.sleep(0.05)
            assert answer.status_code == 200
            assert _metric("expe_circuit_state", "down-then-up") == 0


@pytest.mark.parametrize(
    ("method", "headers", "sent_again"),
    [
        ("GET", [], 2),
        ("DELETE", [], 2),
        ("POST", [], 0),
        ("POST", [("Idempotency-Key", "k-1")], 2),
    ],
)
async def test_only_a_call_safe_to_repeat_is_sent_again_after_no_connection(
    method: str, headers: list[tuple[str, str]], sent_again: int
) -> None:
    upstream = f"nowhere-{method}-{len(headers)}"
    calls = CallSettings(circuit_failure_threshold=10, retries=2)
    async with ServiceClient(
        upstream, f"http://127.0.0.1:{free_port()}", timeout=2, calls=calls
    ) as client:
        with pytest.raises(ServiceUnavailable):
            await client.request(method, "/thing", headers=headers)
    assert _metric("expe_upstream_retries_total", upstream) == sent_again


async def test_a_call_that_timed_out_is_not_sent_again_and_counts_as_a_failure() -> None:
    app = FastAPI()

    @app.get("/slow")
    async def slow() -> Response:
        await asyncio.sleep(2)
        return Response(b"late")

    calls = CallSettings(circuit_failure_threshold=1, retries=2)
    with serve_in_thread(app) as url:
        async with ServiceClient("slow-one", url, timeout=0.2, calls=calls) as client:
            with pytest.raises(UpstreamTimeout):
                await client.request("GET", "/slow")
            assert _metric("expe_upstream_retries_total", "slow-one") == 0
            assert client.circuit.state is State.OPEN
