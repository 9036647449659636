"""The gateway in front of a real upstream HTTP server: forwarding, limits, failures, headers."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from gateway.app import create_app
from gateway.settings import GatewaySettings, ServiceUrls
from tests.servers import free_port, serve_in_thread

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


def upstream_app() -> FastAPI:
    app = FastAPI()

    @app.api_route("/api/v1/analytics/echo", methods=["GET", "POST"])
    async def echo(request: Request) -> dict:
        return {
            "headers": dict(request.headers),
            "query": str(request.query_params),
            "body": (await request.body()).decode(),
        }

    @app.get("/api/v1/analytics/slow")
    async def slow() -> dict:
        await asyncio.sleep(5)
        return {}

    @app.get("/api/v1/analytics/missing")
    async def missing() -> JSONResponse:
        return JSONResponse({"error": {"code": "resource_missing"}}, status_code=404)

    return app


@pytest.fixture(scope="module")
def upstream_url() -> Iterator[str]:
    with serve_in_thread(upstream_app()) as url:
        yield url


@pytest.fixture(scope="module")
def gateway(upstream_url: str) -> Iterator[httpx.Client]:
    settings = GatewaySettings(
        services=ServiceUrls(analytics=upstream_url, wallet=f"http://127.0.0.1:{free_port()}"),
        max_body_bytes=1024,
        upstream_timeout_seconds=0.5,
        cors_origins=["https://dashboard.example"],
    )
    with serve_in_thread(create_app(settings)) as url, httpx.Client(base_url=url) as client:
        yield client


def test_request_is_forwarded_with_query_body_and_request_id(gateway: httpx.Client) -> None:
    response = gateway.post(
        "/api/v1/analytics/echo?merchantId=mer_1&page=2",
        json={"a": 1},
        headers={"X-Request-ID": "req-merchant-7"},
    )
    assert response.status_code == 200
    seen = response.json()
    assert seen["query"] == "merchantId=mer_1&page=2"
    assert seen["body"] == '{"a":1}'
    assert seen["headers"]["x-request-id"] == "req-merchant-7"
    assert response.headers["X-Request-ID"] == "req-merchant-7"


def test_request_id_is_generated_when_absent(gateway: httpx.Client) -> None:
    response = gateway.get("/api/v1/analytics/echo")
    generated = response.headers["X-Request-ID"]
    assert generated.startswith("req_")
    assert response.json()["headers"]["x-request-id"] == generated


def test_trace_context_continues_into_the_service(gateway: httpx.Client) -> None:
    traceparent = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
    seen = gateway.get("/api/v1/analytics/echo", headers={"traceparent": traceparent}).json()
    forwarded = seen["headers"]["traceparent"]
    assert forwarded.split("-")[1] == TRACE_ID
    # The gateway's own span sits between the caller's and the service's.
    assert forwarded.split("-")[2] != "00f067aa0ba902b7"


def test_internal_identity_headers_from_callers_are_dropped(gateway: httpx.Client) -> None:
    seen = gateway.get(
        "/api/v1/analytics/echo", headers={"X-Expe-Merchant-Id": "mer_victim"}
    ).json()
    assert "x-expe-merchant-id" not in seen["headers"]


def test_upstream_errors_pass_through_unchanged(gateway: httpx.Client) -> None:
    response = gateway.get("/api/v1/analytics/missing")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "resource_missing"}}


def test_slow_service_gives_504_with_error_body(gateway: httpx.Client) -> None:
    response = gateway.get("/api/v1/analytics/slow")
    assert response.status_code == 504
    assert response.json()["error"]["code"] == "upstream_timeout"
    assert response.json()["error"]["requestId"] == response.headers["X-Request-ID"]


def test_unreachable_service_gives_503_with_error_body(gateway: httpx.Client) -> None:
    response = gateway.get("/api/v1/wallets/wal_1")
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "service_unavailable"
    assert "wallet" in error["message"]


def test_oversized_body_gives_413_declared_or_streamed(gateway: httpx.Client) -> None:
    declared = gateway.post("/api/v1/analytics/echo", content=b"x" * 2048)
    assert declared.status_code == 413
    assert declared.json()["error"]["code"] == "payload_too_large"

    def chunks() -> Iterator[bytes]:
        for _ in range(8):
            yield b"y" * 512

    streamed = gateway.post("/api/v1/analytics/echo", content=chunks())
    assert streamed.status_code == 413
    assert gateway.post("/api/v1/analytics/echo", content=b"z" * 1024).status_code == 200


def test_unknown_api_path_gives_404_error_body(gateway: httpx.Client) -> None:
    response = gateway.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "resource_missing"


def test_security_headers_on_api_responses(gateway: httpx.Client) -> None:
    headers = gateway.get("/api/v1/analytics/echo").headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cache-Control"] == "no-store"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "max-age=" in headers["Strict-Transport-Security"]


def test_cors_allows_only_configured_origins(gateway: httpx.Client) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Authorization, Idempotency-Key",
    }
    allowed = gateway.request(
        "OPTIONS",
        "/api/v1/analytics/echo",
        headers={"Origin": "https://dashboard.example", **preflight},
    )
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://dashboard.example"
    refused = gateway.request(
        "OPTIONS", "/api/v1/analytics/echo", headers={"Origin": "https://evil.example", **preflight}
    )
    assert "Access-Control-Allow-Origin" not in refused.headers
    simple = gateway.get("/api/v1/analytics/echo", headers={"Origin": "https://dashboard.example"})
    assert "X-Request-ID" in simple.headers["Access-Control-Expose-Headers"]
