"""Forwards a request to its service over a pooled HTTP client and relays the answer."""

from __future__ import annotations

import time

import httpx
from fastapi import Request
from starlette.background import BackgroundTask
from starlette.responses import Response, StreamingResponse

from shared.context import REQUEST_ID_HEADER, current_request_id
from shared.errors import PayloadTooLarge, ServiceUnavailable, UpstreamTimeout
from shared.metrics import UPSTREAM_DURATION, UPSTREAM_ERRORS
from shared.tracing import inject_headers

# Headers that describe one hop, not the message (RFC 9110 §7.6.1), plus ones we recompute.
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)
# Identity headers only the gateway may set; a caller sending them is ignored.
_INTERNAL_PREFIX = "x-expe-"
_TRACE_HEADERS = frozenset({"traceparent", "tracestate"})


async def read_body(request: Request, limit: int) -> bytes:
    """Reads the body, refusing it as soon as it is known to exceed the limit."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _too_large(limit)
    return bytes(body)


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"The request body is larger than the limit of {limit} bytes.")


def upstream_headers(request: Request) -> dict[str, str]:
    headers = {
        name: value
        for name, value in request.headers.items()
        if name not in _HOP_BY_HOP
        and name not in _TRACE_HEADERS
        and not name.startswith(_INTERNAL_PREFIX)
        and name != REQUEST_ID_HEADER.lower()
    }
    headers[REQUEST_ID_HEADER] = current_request_id() or ""
    client = request.client.host if request.client else ""
    prior = request.headers.get("x-forwarded-for")
    headers["x-forwarded-for"] = f"{prior}, {client}" if prior else client
    headers["x-forwarded-proto"] = request.url.scheme
    # The gateway's own server span is the parent of the service's.
    return inject_headers(headers)


def downstream_headers(upstream: httpx.Response) -> dict[str, str]:
    return {
        name: value
        for name, value in upstream.headers.items()
        if name.lower() not in _HOP_BY_HOP and name.lower() != "content-encoding"
    }


async def forward(
    client: httpx.AsyncClient,
    service: str,
    request: Request,
    body: bytes,
    identity_headers: dict[str, str],
) -> Response:
    upstream_request = client.build_request(
        request.method,
        # The query string goes through untouched, exactly as the caller encoded it.
        f"{request.url.path}?{request.url.query}" if request.url.query else request.url.path,
        headers=upstream_headers(request) | identity_headers,
        content=body,
    )
    started = time.perf_counter()
    try:
        upstream = await client.send(upstream_request, stream=True)
    except httpx.TimeoutException:
        UPSTREAM_ERRORS.labels(service, "timeout").inc()
        raise UpstreamTimeout(f"The {service} service did not answer in time.") from None
    except httpx.TransportError:
        UPSTREAM_ERRORS.labels(service, "unavailable").inc()
        raise ServiceUnavailable(f"The {service} service is unavailable.") from None
    UPSTREAM_DURATION.labels(service, str(upstream.status_code)).observe(
        time.perf_counter() - started
    )
    headers = downstream_headers(upstream)
    if "content-length" in upstream.headers:
        # A sized answer is read whole: cheaper than streaming it in pieces.
        try:
            content = await upstream.aread()
        except httpx.TimeoutException:
            raise UpstreamTimeout(f"The {service} service did not answer in time.") from None
        finally:
            await upstream.aclose()
        return Response(content, status_code=upstream.status_code, headers=headers)
    return StreamingResponse(
        upstream.aiter_bytes(),
        status_code=upstream.status_code,
        headers=headers,
        background=BackgroundTask(upstream.aclose),
    )
