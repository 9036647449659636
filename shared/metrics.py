"""Prometheus metrics: every HTTP request's, every process's, and the mesh's own.

The HTTP series keep the names and labels prometheus-fastapi-instrumentator gave them (the
dashboards, alert rules and tests/deploy read them). A small middleware records them: the
instrumentator matched every route a second time and built a Response per request to do so.

Labels take a known, small set of values (routes, statuses, error codes, topics): never an id,
whose every new value would be one more series in Prometheus for good.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import defaultdict
from pathlib import Path

from aiokafka import AIOKafkaConsumer
from aiokafka.errors import IllegalStateError
from fastapi import FastAPI
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.tasks import cancel_and_wait

OUTBOX_PENDING = Gauge("expe_outbox_pending", "Outbox events not yet published to Kafka")
OUTBOX_PUBLISHED = Counter("expe_outbox_published_total", "Outbox events published to Kafka")
EVENTS_CONSUMED = Counter(
    "expe_events_consumed_total",
    "Events taken from Kafka, by consumer and outcome",
    ["consumer", "topic", "outcome"],
)
UPSTREAM_DURATION = Histogram(
    "expe_upstream_request_duration_seconds",
    "Time the gateway waited for a service",
    ["upstream", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
UPSTREAM_ERRORS = Counter(
    "expe_upstream_errors_total", "Gateway calls that got no answer", ["upstream", "reason"]
)
CONSUMER_LAG = Gauge(
    "expe_kafka_consumer_lag",
    "Records on the consumer's partitions not consumed yet (high watermark minus position)",
    ["consumer", "topic"],
)
API_ERRORS = Counter(
    "expe_api_errors_total",
    "Error answers by route, status and the error body's code",
    ["handler", "status", "code"],
)
HTTP_IN_FLIGHT = Gauge("expe_http_requests_in_flight", "Requests this process is serving now")
EVENT_LOOP_LAG = Histogram(
    "expe_event_loop_lag_seconds",
    "How late the event loop ran a timer: a loop blocked by CPU work delays every request",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
MEMORY_LIMIT = Gauge(
    "expe_memory_limit_bytes",
    "Memory this process may use: its container's limit (cgroup), or the machine's without one",
)

HTTP_REQUESTS = Counter(
    "http_requests_total",
    "Total number of requests by method, status and handler.",
    ["method", "status", "handler"],
)
# Few buckets, as it is labelled by route.
HTTP_DURATION = Histogram(
    "http_request_duration_seconds",
    "Latency with only few buckets by handler.",
    ["method", "handler"],
    buckets=(0.1, 0.5, 1),
)
# Many buckets and no labels, for percentiles.
HTTP_DURATION_HIGHR = Histogram(
    "http_request_duration_highr_seconds",
    "Latency with many buckets but no API specific labels.",
    buckets=(
        *(0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5),
        *(7.5, 10, 30, 60),
    ),
)
# Probes would drown the request series.
_UNMEASURED = frozenset({"/metrics", "/healthz", "/readyz"})

_Series = tuple[Counter, Histogram]


class HttpMetricsMiddleware:
    """Counts and times each request by method, status and route template ("none" when no
    route matched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # Labelled series by (method, status, handler): looking them up is most of the cost.
        self._series: dict[tuple[str, str, str], _Series] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in _UNMEASURED:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        HTTP_IN_FLIGHT.inc()

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            HTTP_IN_FLIGHT.dec()
            duration = time.perf_counter() - started
            requests, latency = self._labelled(scope["method"], str(status), handler_of(scope))
            requests.inc()
            latency.observe(duration)
            HTTP_DURATION_HIGHR.observe(duration)

    def _labelled(self, method: str, status: str, handler: str) -> _Series:
        key = (method, status, handler)
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = (
                HTTP_REQUESTS.labels(method, status, handler),
                HTTP_DURATION.labels(method, handler),
            )
        return series


def handler_of(scope: Scope) -> str:
    """The route template a request matched ("none" when no route did): a bounded label."""
    return getattr(scope.get("route"), "path", None) or "none"


def count_error(request: Request, status_code: int, code: str) -> None:
    """Counts an error answer of the API by route, status and its error code."""
    API_ERRORS.labels(handler_of(request.scope), str(status_code), code).inc()


async def record_consumer_lag(name: str, consumer: AIOKafkaConsumer, topics: list[str]) -> None:
    """Sets the lag of the consumer `name` on each of its topics, from its assigned partitions
    (a partition it has not fetched from yet counts when it has)."""
    lag: dict[str, int] = defaultdict(int, dict.fromkeys(topics, 0))
    try:
        for partition in consumer.assignment():
            highwater = consumer.highwater(partition)
            if highwater is not None:
                lag[partition.topic] += max(0, highwater - await consumer.position(partition))
    except (AssertionError, IllegalStateError):
        return  # a rebalance took a partition away meanwhile: the next round counts afresh
    for topic, behind in lag.items():
        CONSUMER_LAG.labels(name, topic).set(behind)


_LAG_PROBE_SECONDS = 0.5


async def _measure_event_loop_lag() -> None:
    loop = asyncio.get_running_loop()
    while True:
        due = loop.time() + _LAG_PROBE_SECONDS
        await asyncio.sleep(_LAG_PROBE_SECONDS)
        EVENT_LOOP_LAG.observe(max(0.0, loop.time() - due))


class EventLoopLagMonitor:
    """Measures the event loop's lag for as long as the app runs (its lifespan)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        probe = asyncio.create_task(_measure_event_loop_lag(), name="event-loop-lag")
        try:
            await self.app(scope, receive, send)
        finally:
            await cancel_and_wait([probe])


def memory_limit_bytes() -> int:
    """The container's memory limit (cgroup v2, else v1), or the machine's memory when there is
    none or it is larger (cgroup v1 says "no limit" with a huge number)."""
    machine = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            limit = Path(path).read_text().strip()
        except OSError:
            continue
        if limit.isdigit():
            return min(int(limit), machine)
    return machine


def _metrics(_: Request) -> Response:
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


def instrument(app: FastAPI) -> None:
    """Records request and process metrics and serves them at GET /metrics."""
    MEMORY_LIMIT.set(memory_limit_bytes())
    app.add_middleware(HttpMetricsMiddleware)
    app.add_middleware(EventLoopLagMonitor)
    app.add_route("/metrics", _metrics, methods=["GET"], include_in_schema=False)
