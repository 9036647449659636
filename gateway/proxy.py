"""Forwards a request to its service over a pooled connection and relays the answer."""

from __future__ import annotations

import time

import aiohttp
from starlette.background import BackgroundTask
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response, StreamingResponse

from shared.context import REQUEST_ID_HEADER, current_request_id
from shared.errors import InvalidRequest, PayloadTooLarge, ServiceUnavailable, UpstreamTimeout
from shared.internal_http import ServiceClient
from shared.metrics import UPSTREAM_DURATION, UPSTREAM_ERRORS
from shared.tracing import inject_headers

# Headers that describe one hop, not the message (RFC 9110 §7.6.1).
_HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
    }
)
# Not passed on to the service either: the client sets the host and length of the request it
# sends, the gateway already answered any `Expect`, and it sets the forwarding headers, the
# request id and the trace context itself.
_NOT_FORWARDED = _HOP_BY_HOP | {
    b"host",
    b"content-length",
    b"expect",
    b"x-forwarded-for",
    b"x-forwarded-proto",
    b"traceparent",
    b"tracestate",
    REQUEST_ID_HEADER.lower().encode(),
}
# Identity headers only the gateway may set; a caller sending them is ignored.
_INTERNAL_PREFIX = b"x-expe-"

# The gateway's server writes its own; the service's would be sent twice.
_NOT_RELAYED = _HOP_BY_HOP | {b"date", b"server"}

RawHeaders = list[tuple[bytes, bytes]]

# How deeply a body's JSON may nest. No request of the API nests more than a few levels, and the
# services' parsers and encoders have recursion limits of their own (orjson's encoder stops at
# 255) that a deeper body would reach as a server error rather than as a refusal.
MAX_JSON_DEPTH = 32
_OPENING = frozenset(b"[{")
_CLOSING = frozenset(b"]}")
_QUOTE, _BACKSLASH = ord('"'), ord("\\")


async def read_body(request: Request, limit: int) -> bytes:
    """Reads the body, refusing it as soon as it is known to exceed the limit."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise _too_large(limit)
    except ClientDisconnect:
        raise ClientClosedRequest("The caller hung up before its body ended.") from None
    if _nests_deeper_than(body, MAX_JSON_DEPTH):
        raise NestedTooDeeply(f"The request body nests deeper than {MAX_JSON_DEPTH} levels.")
    return bytes(body)


class NestedTooDeeply(InvalidRequest):
    """The body's JSON nests deeper than any request of the API does."""

    code = "body_too_deep"


def _nests_deeper_than(body: bytearray, limit: int) -> bool:
    """Whether the brackets outside JSON strings nest deeper than `limit`. A body with no more
    brackets than that cannot, and is not walked (every ordinary request)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == _BACKSLASH:
                escaped = True
            elif byte == _QUOTE:
                in_string = False
        elif byte == _QUOTE:
            in_string = True
        elif byte in _OPENING:
            depth += 1
            if depth > limit:
                return True
        elif byte in _CLOSING:
            depth -= 1
    return False


class ClientClosedRequest(InvalidRequest):
    """The caller hung up before sending its whole body; nothing was forwarded (an answer nobody
    reads, logged as what it is rather than as a failure of ours)."""

    code = "client_closed_request"


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"The request body is larger than the limit of {limit} bytes.")


def upstream_headers(request: Request) -> list[tuple[str, str]]:
    """The caller's headers (repeated ones kept) less the hop's, plus forwarding and tracing."""
    headers = [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, value in request.scope["headers"]
        if name not in _NOT_FORWARDED and not name.startswith(_INTERNAL_PREFIX)
    ]
    client = request.client.host if request.client else ""
    prior = request.headers.get("x-forwarded-for")
    extra = {
        REQUEST_ID_HEADER: current_request_id() or "",
        "x-forwarded-for": f"{prior}, {client}" if prior else client,
        "x-forwarded-proto": request.scope["scheme"],
    }
    # The gateway's own server span is the parent of the service's.
    headers.extend(inject_headers(extra).items())
    return headers


def downstream_headers(upstream: aiohttp.ClientResponse) -> RawHeaders:
    """The service's headers as they came (repeated ones kept), less the hop's."""
    return [
        (name.lower(), value)
        for name, value in upstream.raw_headers
        if name.lower() not in _NOT_RELAYED
    ]


class RelayedResponse(Response):
    """A whole answer of the service, headers and body as they came (Content-Length included)."""

    def __init__(self, status_code: int, headers: RawHeaders, body: bytes) -> None:
        self.status_code = status_code
        self.body = body
        self.background = None
        self.raw_headers = headers


def _target(request: Request) -> str:
    # The path and query go through exactly as the caller encoded them.
    path: bytes = request.scope.get("raw_path") or request.scope["path"].encode()
    query: bytes = request.scope["query_string"]
    return (path + b"?" + query if query else path).decode("latin-1")


async def forward(
    client: ServiceClient,
    request: Request,
    body: bytes,
    identity_headers: dict[str, str],
) -> Response:
    service = client.service
    started = time.perf_counter()
    try:
        upstream = await client.open(
            request.method,
            _target(request),
            headers=[*upstream_headers(request), *identity_headers.items()],
            body=body or None,
        )
    except UpstreamTimeout:
        UPSTREAM_ERRORS.labels(service, "timeout").inc()
        raise
    except ServiceUnavailable:
        UPSTREAM_ERRORS.labels(service, "unavailable").inc()
        raise
    UPSTREAM_DURATION.labels(service, str(upstream.status)).observe(time.perf_counter() - started)
    headers = downstream_headers(upstream)
    if upstream.content_length is not None or upstream.status in (204, 304):
        # A sized (or empty) answer is read whole: cheaper than streaming it in pieces.
        return RelayedResponse(upstream.status, headers, await client.read(upstream))
    streamed = StreamingResponse(
        upstream.content.iter_any(),
        status_code=upstream.status,
        background=BackgroundTask(upstream.release),
    )
    streamed.raw_headers = headers
    return streamed
