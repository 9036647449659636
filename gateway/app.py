"""The gateway app: request ids, trace context, security headers, CORS, body limits, routing."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import FastAPI, Query, Request, WebSocket
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import HTMLResponse, RedirectResponse, Response

from gateway.credentials import Authenticator
from gateway.explorer import REDOC, SWAGGER_UI, guides_app, reference_page
from gateway.guard import Admission, Guard
from gateway.health import mesh_health
from gateway.jwks import JwksCache
from gateway.live import BLOCK_MS, LiveAccess, live_relay, serve_socket
from gateway.openapi import ApiDocument
from gateway.proxy import forward, read_body
from gateway.ratelimit import RateLimiter
from gateway.requestlog import MAX_PAGE, RequestLog, valid_entry_id
from gateway.routing import SERVICES, service_for
from gateway.security import SecurityHeadersMiddleware
from gateway.settings import GatewaySettings, get_settings
from gateway.shedding import InFlightLimit
from gateway.web import WebApp
from shared.context import current_request_id
from shared.errors import (
    ExpeError,
    InvalidRequest,
    ResourceNotFound,
    ServiceUnavailable,
    install_error_handlers,
)
from shared.health import draining_answer, run_check
from shared.http import RequestContextMiddleware
from shared.identity import signed_headers
from shared.internal_http import InternalClient, ServiceClient
from shared.logs import configure_logging
from shared.metrics import instrument
from shared.openapi import document_of
from shared.redis_client import create_redis
from shared.responses import JsonResponse
from shared.shutdown import GracefulShutdown
from shared.tasks import cancel_and_wait
from shared.tracing import NO_FASTAPI_TELEMETRY, configure_tracing, shutdown_tracing

_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def _service_clients(settings: GatewaySettings) -> dict[str, ServiceClient]:
    return {
        name: ServiceClient(
            name,
            getattr(settings.services, name),
            timeout=settings.upstream_timeout_seconds,
            connect_timeout=settings.upstream_connect_timeout_seconds,
            max_connections=settings.upstream_max_connections,
            calls=settings.calls,
        )
        for name in SERVICES
    }


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging("gateway", settings.log_level)
    configure_tracing("gateway", settings.otel)

    secret = settings.internal_secret.get_secret_value()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.clients = _service_clients(settings)
        app.state.api_document = ApiDocument(lambda: document_of(app), app.state.clients)
        app.state.redis = create_redis(settings.redis)
        auth = InternalClient(app.state.clients["auth"], secret)
        authenticator = Authenticator(settings, auth, app.state.redis, JwksCache(auth))
        limiter = (
            RateLimiter(app.state.redis, settings.rate_limits)
            if settings.rate_limits.enabled
            else None
        )
        app.state.limiter = limiter
        app.state.guard = Guard(authenticator, limiter, settings.trusted_proxies)
        app.state.request_log = RequestLog(app.state.redis)
        app.state.request_log.start()
        # Its own client: a socket's read waits for entries longer than the shared client's
        # timeout allows.
        app.state.live_redis = create_redis(settings.redis, socket_timeout=BLOCK_MS / 1000 + 5)
        app.state.live_access = LiveAccess(
            authenticator, InternalClient(app.state.clients["payments"], secret)
        )
        relay = None
        if settings.live_relay:
            consumer = live_relay(settings.kafka, app.state.redis, settings.live_relay_group)
            relay = asyncio.create_task(consumer.run(), name=consumer.name)
        app.state.shutdown = GracefulShutdown(settings.shutdown)
        app.state.shutdown.install()
        try:
            yield
        finally:
            app.state.shutdown.uninstall()
            if relay is not None:
                consumer.stop_soon()
                await asyncio.wait([relay], timeout=settings.shutdown.grace_seconds)
                await cancel_and_wait([relay])
            await app.state.request_log.stop()
            for client in app.state.clients.values():
                await client.aclose()
            await app.state.redis.aclose()
            await app.state.live_redis.aclose()
            shutdown_tracing()

    app = FastAPI(
        title="Expe API",
        lifespan=lifespan,
        # The whole API's document and its readers are served below, not FastAPI's own.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        telemetry=NO_FASTAPI_TELEMETRY,
    )
    install_error_handlers(app)

    @app.api_route("/openapi.json", methods=["GET", "HEAD"], include_in_schema=False)
    async def openapi(request: Request) -> Response:
        """The OpenAPI 3.1 document of the whole API (gateway/openapi.py)."""
        plain, packed = await request.app.state.api_document.encoded()
        headers = {"Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = "gzip"
            return Response(packed, media_type="application/json", headers=headers)
        return Response(plain, media_type="application/json", headers=headers)

    @app.api_route("/docs", methods=["GET", "HEAD"], include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return reference_page(SWAGGER_UI)

    @app.api_route("/redoc", methods=["GET", "HEAD"], include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return reference_page(REDOC)

    @app.get("/healthz", include_in_schema=False)
    async def healthz(request: Request) -> JsonResponse:
        """Alive, with the readiness of every service and piece of infrastructure."""
        report = await mesh_health(
            request.app.state.clients,
            request.app.state.redis.ping,
            settings.health_timeout_seconds,
        )
        return JsonResponse(report)

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JsonResponse:
        """Ready unless it is shutting down. A service that is down does not make the gateway
        unready: another gateway could not do better, and its clean 503s are better than no
        gateway at all. Nor does Redis, which every replica shares: without it the gateway
        still serves API keys (rate limits fail open, credentials are asked of auth), so it
        reports itself degraded rather than leaving the load balancer no gateway."""
        if request.app.state.shutdown.draining:
            return draining_answer()
        redis = await run_check(request.app.state.redis.ping)
        return JsonResponse(
            {"status": "ready" if redis["ok"] else "degraded", "checks": {"redis": redis}}
        )

    @app.get("/api/v1/rate-limits", tags=["gateway"], summary="Read your rate limits")
    async def rate_limits(request: Request) -> JsonResponse:
        """The caller's rate limits and what is left of them now (asking costs nothing)."""
        admission = await request.app.state.guard.admit(request, charge=False)
        limiter: RateLimiter | None = request.app.state.limiter
        if limiter is None:
            return JsonResponse({"data": [], "enabled": False})
        authenticated = admission.authenticated
        states = await limiter.check(
            limiter.buckets(authenticated.caller, authenticated.plan), peek=True
        )
        if states is None:
            raise ServiceUnavailable("Rate limits cannot be read while Redis is down.")
        return JsonResponse(
            {
                "enabled": True,
                "data": [
                    {
                        "name": state.bucket.name,
                        "limit": state.bucket.limit.limit,
                        "windowSeconds": state.bucket.limit.window_seconds,
                        "remaining": state.remaining,
                        "resetSeconds": state.reset_seconds,
                    }
                    for state in states
                ],
            },
        )

    @app.get("/api/v1/logs", tags=["gateway"], summary="List your recent requests")
    async def request_logs(
        request: Request,
        after: Annotated[str | None, Query(max_length=40)] = None,
        before: Annotated[str | None, Query(max_length=40)] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    ) -> JsonResponse:
        """The caller's merchant's recent API requests in the caller's mode, newest first:
        method, path, status, request id and duration (gateway/requestlog.py)."""
        admission = await request.app.state.guard.admit(request)
        caller = admission.authenticated.caller
        if caller.merchant_id is None or caller.mode is None:
            raise InvalidRequest("Name the merchant with the Expe-Merchant header.")
        for name, value in (("after", after), ("before", before)):
            if value is not None and not valid_entry_id(value):
                raise InvalidRequest(f"{name} must be the id of a log entry.", param=name)
        entries, more = await request.app.state.request_log.recent(
            caller.merchant_id, caller.mode, after=after, before=before, limit=limit
        )
        response = JsonResponse({"data": entries, "hasMore": more})
        if admission.rate_limit is not None:
            response.headers.update(admission.rate_limit.headers())
        return response

    shedding = InFlightLimit(settings.max_in_flight_per_service)

    async def proxy(request: Request) -> Response:
        started = time.perf_counter()
        guard: Guard = request.app.state.guard
        service = service_for(request.url.path)
        if service is None:
            raise ResourceNotFound(
                f"No API route matches {request.method} {request.url.path}.",
                headers=await guard.limit_headers(request),
            )
        admission: Admission | None = None
        status = 500
        try:
            # Shed before authenticating: a refused request then costs the gateway next to
            # nothing, which is what keeps the admitted ones fast once it is saturated too.
            with shedding.admit(service):
                admission = await guard.admit(request)
                body = await read_body(request, settings.max_body_bytes)
                identity = signed_headers(
                    admission.authenticated.caller,
                    secret=secret,
                    method=request.method,
                    path=request.url.path,
                )
                clients = request.app.state.clients
                response = await forward(clients[service], request, body, identity)
            status = response.status_code
        except ExpeError as error:
            status = error.status_code
            if admission is not None and admission.rate_limit is not None:
                error.headers.update(admission.rate_limit.headers())
            raise
        finally:
            if admission is not None:
                request.app.state.request_log.record(
                    admission.authenticated.caller,
                    request.method,
                    request.url.path,
                    status,
                    current_request_id() or "",
                    time.perf_counter() - started,
                )
        if admission.rate_limit is not None:
            response.headers.update(admission.rate_limit.headers())
        return response

    @app.websocket("/api/v1/live")
    async def live(websocket: WebSocket) -> None:
        """Payment, refund and webhook delivery updates as they happen (gateway/live.py)."""
        await serve_socket(
            websocket,
            websocket.app.state.live_access,
            websocket.app.state.live_redis,
            settings.trusted_proxies,
        )

    for prefix in ("/api/v1/{path:path}", "/.well-known/{path:path}"):
        app.add_api_route(prefix, proxy, methods=_METHODS, include_in_schema=False)

    @app.api_route("/guides", methods=["GET", "HEAD"], include_in_schema=False)
    async def guides_home() -> Response:
        return RedirectResponse("/guides/")

    app.mount("/guides", guides_app(settings.guides_dir))
    instrument(app)
    # Last: whatever no route above claims is a page of the dashboard or the checkout.
    web = WebApp(settings.web_dir)

    async def web_page(request: Request) -> Response:
        return web.answer(request)

    app.add_api_route("/{path:path}", web_page, methods=["GET", "HEAD"], include_in_schema=False)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=True,
        allow_methods=_METHODS,
        allow_headers=[
            "Authorization",
            "Content-Type",
            "Idempotency-Key",
            "X-Request-ID",
            "Expe-Merchant",
            "Expe-Mode",
            "Expe-Client-Secret",
            "traceparent",
            "tracestate",
        ],
        expose_headers=[
            "X-Request-ID",
            "RateLimit-Limit",
            "RateLimit-Remaining",
            "RateLimit-Reset",
            "RateLimit-Policy",
            "Retry-After",
            "Idempotent-Replayed",
        ],
        max_age=600,
    )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestContextMiddleware, service="gateway")
    return app
