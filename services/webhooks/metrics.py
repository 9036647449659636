"""What SREs watch for webhooks: delivery latency, attempts by outcome and duration, the backlog."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

DELIVERY_LATENCY = Histogram(
    "expe_webhook_delivery_latency_seconds",
    "From the event's creation to the receiver's 2xx",
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800, 7200, 36000, 86400, 259200),
)
ATTEMPTS = Counter(
    "expe_webhook_attempts_total",
    "Delivery attempts by outcome (succeeded, http_status, timeout, connection_error, "
    "dns_error, address_not_allowed, interrupted)",
    ["outcome"],
)
# Endpoints are no label (every merchant's would be a series of its own): which endpoint is slow
# is in its attempts (latencyMs), this is how slow receivers are overall.
ATTEMPT_DURATION = Histogram(
    "expe_webhook_attempt_duration_seconds",
    "From sending an attempt to the receiver's answer (or the failure), by outcome",
    ["outcome"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30),
)
MESSAGES_FINISHED = Counter(
    "expe_webhook_messages_total",
    "Messages that reached a final state (delivered, dead, canceled)",
    ["state"],
)
BACKLOG = Gauge("expe_webhook_backlog", "Messages queued for delivery (due now or later)")
IN_FLIGHT = Gauge("expe_webhook_in_flight", "Attempts being sent by this replica")
# Every outcome and state from the start: a rate over a series that appears with its first
# increment misses that increment, and a dashboard shows "no data" instead of zero.
_OUTCOMES = (
    "succeeded",
    "http_status",
    "timeout",
    "connection_error",
    "dns_error",
    "address_not_allowed",
    "interrupted",
)
for _outcome in _OUTCOMES:
    ATTEMPTS.labels(_outcome)
for _state in ("delivered", "dead", "canceled"):
    MESSAGES_FINISHED.labels(_state)
