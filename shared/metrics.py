"""Prometheus metrics: HTTP metrics from the instrumentator plus the mesh's own."""

from __future__ import annotations

from fastapi import FastAPI
from prometheus_client import Counter, Gauge, Histogram
from prometheus_fastapi_instrumentator import Instrumentator

OUTBOX_PENDING = Gauge("expe_outbox_pending", "Outbox events not yet published to Kafka")
OUTBOX_PUBLISHED = Counter("expe_outbox_published_total", "Outbox events published to Kafka")
EVENTS_CONSUMED = Counter(
    "expe_events_consumed_total", "Events taken from Kafka, by outcome", ["topic", "outcome"]
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


def instrument(app: FastAPI) -> None:
    """Adds request metrics and GET /metrics; health probes are left out so they do not drown it."""
    Instrumentator(
        excluded_handlers=["/metrics", "/healthz", "/readyz"],
        should_group_status_codes=False,
    ).instrument(app).expose(app, include_in_schema=False)
