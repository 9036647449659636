"""What the MongoDB driver sees of its servers and connections, on /metrics.

A database that cannot be reached shows here before any request fails: the driver's monitor
asks every server `hello` every few seconds, and a pool that cannot hand out a connection (the
server gone, or every connection busy) says so on each checkout.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge
from pymongo import monitoring

SERVER_REACHABLE = Gauge(
    "expe_mongo_server_reachable",
    "1 when the driver's last heartbeat to the server succeeded, 0 when it failed",
    ["server"],
)
CONNECTIONS = Gauge("expe_mongo_connections", "Connections this process holds open to MongoDB")
CHECKOUT_FAILURES = Counter(
    "expe_mongo_checkout_failures_total",
    "Operations that got no connection: timeout (every connection busy, or none could be made "
    "in time) or connection_error (the server refused or dropped it)",
    ["reason"],
)
# The driver's reasons, as the metric names them; a pool closed at shutdown is no failure.
_REASONS = {
    monitoring.ConnectionCheckOutFailedReason.TIMEOUT: "timeout",
    monitoring.ConnectionCheckOutFailedReason.CONN_ERROR: "connection_error",
}
for _reason in _REASONS.values():
    CHECKOUT_FAILURES.labels(_reason)


def _server(address: tuple[str, int | None]) -> str:
    host, port = address
    return f"{host}:{port}" if port is not None else host


class _HeartbeatMetrics(monitoring.ServerHeartbeatListener):
    def started(self, event: monitoring.ServerHeartbeatStartedEvent) -> None:
        pass

    def succeeded(self, event: monitoring.ServerHeartbeatSucceededEvent) -> None:
        SERVER_REACHABLE.labels(_server(event.connection_id)).set(1)

    def failed(self, event: monitoring.ServerHeartbeatFailedEvent) -> None:
        SERVER_REACHABLE.labels(_server(event.connection_id)).set(0)


class _PoolMetrics(monitoring.ConnectionPoolListener):
    def connection_created(self, event: monitoring.ConnectionCreatedEvent) -> None:
        del event  # counted, whichever it is
        CONNECTIONS.inc()

    def connection_closed(self, event: monitoring.ConnectionClosedEvent) -> None:
        del event
        CONNECTIONS.dec()

    def connection_check_out_failed(self, event: monitoring.ConnectionCheckOutFailedEvent) -> None:
        reason = _REASONS.get(event.reason)
        if reason is not None:
            CHECKOUT_FAILURES.labels(reason).inc()

    # The rest of the pool's life tells nothing the metrics above do not.
    def pool_created(self, event: monitoring.PoolCreatedEvent) -> None:
        pass

    def pool_ready(self, event: monitoring.PoolReadyEvent) -> None:
        pass

    def pool_cleared(self, event: monitoring.PoolClearedEvent) -> None:
        pass

    def pool_closed(self, event: monitoring.PoolClosedEvent) -> None:
        pass

    def connection_ready(self, event: monitoring.ConnectionReadyEvent) -> None:
        pass

    def connection_check_out_started(
        self, event: monitoring.ConnectionCheckOutStartedEvent
    ) -> None:
        pass

    def connection_checked_out(self, event: monitoring.ConnectionCheckedOutEvent) -> None:
        pass

    def connection_checked_in(self, event: monitoring.ConnectionCheckedInEvent) -> None:
        pass


DRIVER_LISTENERS: tuple[monitoring.ServerHeartbeatListener, monitoring.ConnectionPoolListener] = (
    _HeartbeatMetrics(),
    _PoolMetrics(),
)
