"""OpenTelemetry: one tracer provider per process; W3C `traceparent` over HTTP and Kafka."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fastapi.telemetry import TelemetryConfig
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from shared.settings import OtelSettings

_provider: TracerProvider | None = None
_exporting = False

# FastAPI (0.142 on) traces every request itself once a tracer provider is installed: a second
# server span beside RequestContextMiddleware's, plus spans for dependencies, endpoint and
# serialization, measured at 0.1 ms of CPU per request. RequestContextMiddleware's is the one.
NO_FASTAPI_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


def configure_tracing(service: str, settings: OtelSettings) -> None:
    """Installs the process's tracer provider; exports over OTLP/HTTP when an endpoint is set."""
    global _provider, _exporting
    if _provider is not None:
        return
    provider = TracerProvider(resource=Resource.create({"service.name": f"expe-{service}"}))
    if settings.endpoint:
        exporter = OTLPSpanExporter(endpoint=f"{settings.endpoint.rstrip('/')}/v1/traces")
        provider.add_span_processor(BatchSpanProcessor(exporter))
        _exporting = True
    trace.set_tracer_provider(provider)
    _provider = provider


def exporting() -> bool:
    """Spans leave the process. Without an exporter only the trace ids matter (logs carry
    them), so the spans nobody would see are not made: one per database or Redis command."""
    return _exporting


def shutdown_tracing() -> None:
    if _provider is not None:
        _provider.shutdown()


def tracer(name: str) -> trace.Tracer:
    return trace.get_tracer(name)


def inject_headers(headers: dict[str, str]) -> dict[str, str]:
    """Adds `traceparent` (and `tracestate`) of the current span to outgoing HTTP headers."""
    propagate.inject(headers)
    return headers


def current_traceparent() -> str | None:
    return inject_headers({}).get("traceparent")


def extract_context(headers: Mapping[str, str]) -> otel_context.Context:
    # Read from the mapping as it is (Starlette's headers look names up case-insensitively).
    return propagate.extract(headers)


def context_of(traceparent: str | None) -> otel_context.Context | None:
    """The trace a stored `traceparent` names, to continue it later (None: the current one)."""
    return propagate.extract({"traceparent": traceparent}) if traceparent else None


def kafka_headers(span: trace.Span) -> list[tuple[str, bytes]]:
    """`traceparent` (and `tracestate`) of `span`, as Kafka headers."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=trace.set_span_in_context(span))
    return [(key, value.encode()) for key, value in carrier.items()]


def context_from_kafka_headers(
    headers: Sequence[tuple[str, bytes]] | None, fallback_traceparent: str | None = None
) -> otel_context.Context:
    carrier = {key: value.decode(errors="replace") for key, value in headers or ()}
    if "traceparent" not in carrier and fallback_traceparent:
        carrier["traceparent"] = fallback_traceparent
    return propagate.extract(carrier)
