"""Prometheus metrics: every HTTP request's, and the mesh's own.

The HTTP series keep the names and labels prometheus-fastapi-instrumentator gave them (the
dashboards, alert rules and tests/deploy read them). A small middleware records them: the
instrumentator matched every route a second time and built a Response per request to do so.
"""

from __future__ import annotations

import time

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

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            duration = time.perf_counter() - started
            route = scope.get("route")
            handler = getattr(route, "path", None) or "none"
            requests, latency = self._labelled(scope["method"], str(status), handler)
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


def _metrics(_: Request) -> Response:
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


def instrument(app: FastAPI) -> None:
    """Records request metrics and serves them at GET /metrics."""
    app.add_middleware(HttpMetricsMiddleware)
    app.add_route("/metrics", _metrics, methods=["GET"], include_in_schema=False)
