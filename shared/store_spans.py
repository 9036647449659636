"""Client spans for every MongoDB and Redis command, in the trace of the request or event that
sent it, so a slow step of a payment shows as the command it waited on. Made only while spans
are exported (shared.tracing.exporting)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from pymongo import monitoring

from shared.tracing import exporting

_tracer = trace.get_tracer("expe.store")


def _wanted() -> bool:
    # A heartbeat or a background task outside any trace is not worth a root of its own.
    return exporting() and trace.get_current_span().get_span_context().is_valid


class MongoCommandSpans(monitoring.CommandListener):
    """A span from each command's start to its answer. The driver calls `started` in the task
    that sent the command, so the span's parent is that task's current span."""

    def __init__(self) -> None:
        self._open: dict[tuple[int, object], trace.Span] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if not _wanted():
            return
        target = event.command.get(event.command_name)
        attributes = {
            "db.system": "mongodb",
            "db.operation.name": event.command_name,
            "db.namespace": event.database_name,
        }
        if isinstance(target, str):
            attributes["db.collection.name"] = target
        span = _tracer.start_span(
            f"mongo {event.command_name}", kind=SpanKind.CLIENT, attributes=attributes
        )
        self._open[(event.request_id, event.connection_id)] = span

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        span = self._open.pop((event.request_id, event.connection_id), None)
        if span is not None:
            span.end()

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        span = self._open.pop((event.request_id, event.connection_id), None)
        if span is not None:
            span.set_status(Status(StatusCode.ERROR, str(event.failure.get("codeName", ""))))
            span.end()


@contextmanager
def redis_span(command: str) -> Iterator[None]:
    """A span around one Redis round trip, when it is part of a trace."""
    if not _wanted():
        yield
        return
    with _tracer.start_as_current_span(
        f"redis {command}",
        kind=SpanKind.CLIENT,
        attributes={"db.system": "redis", "db.operation.name": command},
    ):
        yield
