"""ASGI middleware every process runs first: request id, trace context, access log."""

from __future__ import annotations

import logging
import re
import time

from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.context import REQUEST_ID_HEADER, request_id_var
from shared.ids import new_id
from shared.tracing import extract_context

access_logger = logging.getLogger("expe.access")

# A caller's request id is kept when it is short and plain, so it can be searched for in logs.
_ACCEPTABLE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
_QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


def request_id_from(headers: Headers) -> str:
    incoming = headers.get(REQUEST_ID_HEADER)
    if incoming and _ACCEPTABLE_REQUEST_ID.match(incoming):
        return incoming
    return new_id("req")


class RequestContextMiddleware:
    """Gives each request an id and a server span, returns the id, and logs the outcome."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.tracer = trace.get_tracer(f"expe.{service}")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        request_id = request_id_from(headers)
        # Not reset afterwards on purpose: the error handler of last resort runs outside this
        # middleware and still needs the id. Each request runs in its own task context.
        request_id_var.set(request_id)
        method, path = scope["method"], scope["path"]
        status_code = 500
        started = time.perf_counter()

        async def send_with_request_id(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        if path in _QUIET_PATHS:
            # Probes and scrapes, every few seconds: neither traced nor logged.
            await self.app(scope, receive, send_with_request_id)
            return
        with self.tracer.start_as_current_span(
            f"{method} {path}",
            context=extract_context(headers),
            kind=SpanKind.SERVER,
            attributes={
                "http.request.method": method,
                "url.path": path,
                "expe.request_id": request_id,
            },
        ) as span:
            try:
                await self.app(scope, receive, send_with_request_id)
            finally:
                span.set_attribute("http.response.status_code", status_code)
                if status_code >= 500:
                    span.set_status(Status(StatusCode.ERROR))
                access_logger.info(
                    "%s %s %s",
                    method,
                    path,
                    status_code,
                    extra={
                        "method": method,
                        "path": path,
                        "status": status_code,
                        "durationMs": round((time.perf_counter() - started) * 1000, 2),
                    },
                )
