"""Calls inside the mesh (shared.internal_http): signed, traced, and their failures named."""

from __future__ import annotations

import pytest
from opentelemetry import trace

from devstack.serving import free_port
from shared.context import request_id_var
from shared.errors import ServiceUnavailable, UpstreamTimeout
from shared.identity import service_caller, verify_headers
from shared.internal_http import InternalClient, ServiceClient, ServiceError
from shared.settings import LOCAL_INTERNAL_SECRET, OtelSettings
from shared.tracing import configure_tracing


async def test_a_call_is_signed_as_its_caller_and_carries_request_id_and_trace(
    upstream_url: str,
) -> None:
    configure_tracing("test", OtelSettings())
    request_id_var.set("req-internal-1")
    async with ServiceClient("analytics", upstream_url, timeout=5) as client:
        internal = InternalClient(client, LOCAL_INTERNAL_SECRET, service_caller("payments"))
        with trace.get_tracer("test").start_as_current_span("caller") as span:
            response = await internal.request("POST", "/internal/v1/echo", json={"a": 1})
    seen = response.json()
    headers = seen["headers"]
    caller = verify_headers(
        headers["x-expe-identity"],
        headers["x-expe-signature"],
        secret=LOCAL_INTERNAL_SECRET,
        method="POST",
        path="/internal/v1/echo",
    )
    assert (caller.kind, caller.service) == ("service", "payments")
    assert headers["x-request-id"] == "req-internal-1"
    trace_id = format(span.get_span_context().trace_id, "032x")
    assert headers["traceparent"].split("-")[1] == trace_id
    assert seen["body"] == '{"a":1}'


async def test_the_other_services_error_body_is_decoded(upstream_url: str) -> None:
    async with ServiceClient("wallet", upstream_url, timeout=5) as client:
        response = await client.request("POST", "/internal/v1/conflict")
    assert response.error() == ServiceError(409, "hold_exists", "Held.", "holdId")


async def test_an_answer_without_an_error_body_is_named_after_the_service(
    upstream_url: str,
) -> None:
    async with ServiceClient("wallet", upstream_url, timeout=5) as client:
        response = await client.request("GET", "/internal/v1/broken")
    assert response.error() == ServiceError(502, "wallet_error", "upstream proxy error")


async def test_no_connection_is_service_unavailable() -> None:
    async with ServiceClient("wallet", f"http://127.0.0.1:{free_port()}", timeout=5) as client:
        with pytest.raises(ServiceUnavailable, match="wallet service is unavailable"):
            await client.request("GET", "/internal/v1/wallets/wal_1")


async def test_no_answer_in_time_is_upstream_timeout(upstream_url: str) -> None:
    async with ServiceClient("analytics", upstream_url, timeout=0.3) as client:
        with pytest.raises(UpstreamTimeout, match="analytics service did not answer in time"):
            await client.request("GET", "/api/v1/analytics/slow")
