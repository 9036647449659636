"""The gateway app: request ids, trace context, security headers, CORS, body limits, routing."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI, Request
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

from gateway.health import mesh_health
from gateway.proxy import forward, read_body
from gateway.routing import SERVICES, service_for
from gateway.security import SecurityHeadersMiddleware
from gateway.settings import GatewaySettings, get_settings
from shared.errors import ResourceNotFound, install_error_handlers
from shared.health import run_check
from shared.http import RequestContextMiddleware
from shared.logs import configure_logging
from shared.metrics import instrument
from shared.redis_client import create_redis
from shared.responses import JsonResponse
from shared.tracing import configure_tracing, shutdown_tracing

_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def _service_clients(settings: GatewaySettings) -> dict[str, httpx.AsyncClient]:
    limits = httpx.Limits(
        max_connections=settings.upstream_max_connections,
        max_keepalive_connections=settings.upstream_max_connections,
    )
    timeout = httpx.Timeout(
        settings.upstream_timeout_seconds, connect=settings.upstream_connect_timeout_seconds
    )
    return {
        name: httpx.AsyncClient(
            base_url=getattr(settings.services, name), limits=limits, timeout=timeout
        )
        for name in SERVICES
    }


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging("gateway", settings.log_level)
    configure_tracing("gateway", settings.otel)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.clients = _service_clients(settings)
        app.state.redis = create_redis(settings.redis)
        try:
            yield
        finally:
            for client in app.state.clients.values():
                await client.aclose()
            await app.state.redis.aclose()
            shutdown_tracing()

    app = FastAPI(
        title="Expe API",
        lifespan=lifespan,
        docs_url="/docs" if settings.env != "production" else None,
    )
    install_error_handlers(app)

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
        """Ready: the gateway's own dependencies answer."""
        redis = await run_check(request.app.state.redis.ping)
        return JsonResponse(
            {"status": "ready" if redis["ok"] else "unavailable", "checks": {"redis": redis}},
            status_code=200 if redis["ok"] else 503,
        )

    @app.api_route("/api/v1/{path:path}", methods=_METHODS, include_in_schema=False)
    async def proxy(request: Request) -> Response:
        service = service_for(request.url.path)
        if service is None:
            raise ResourceNotFound(f"No API route matches {request.method} {request.url.path}.")
        body = await read_body(request, settings.max_body_bytes)
        return await forward(request.app.state.clients[service], service, request, body)

    instrument(app)
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
            "traceparent",
            "tracestate",
        ],
        expose_headers=[
            "X-Request-ID",
            "RateLimit-Limit",
            "RateLimit-Remaining",
            "RateLimit-Reset",
            "Retry-After",
        ],
        max_age=600,
    )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestContextMiddleware, service="gateway")
    return app
