"""One stand-in for every service the gateway routes to, auth included: it publishes the test
signing key and resolves the API keys in `API_KEYS`. The real auth service is exercised end to
end in tests/e2e."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, StreamingResponse

from tests.tokens import new_signing_key

SIGNING_KEY = new_signing_key()
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
# What the stand-in auth service answers for each API key; a key missing here is unknown.
API_KEYS: dict[str, dict[str, Any]] = {}
EXPORT_LINES = 2_000
# One item per request the slow route is answering right now.
SLOW_IN_FLIGHT: list[int] = []


def api_key(ip_allowlist: list[str] | None = None, merchant_id: str = "mer_test") -> str:
    """A fresh secret test key the stand-in auth service resolves."""
    key = f"sk_test_{secrets.token_hex(12)}"
    API_KEYS[key] = {
        "merchantId": merchant_id,
        "projectId": "prj_test",
        "keyId": f"key_{secrets.token_hex(6)}",
        "type": "secret",
        "mode": "test",
        "ipAllowlist": ip_allowlist or [],
    }
    return key


def upstream_app() -> FastAPI:
    app = FastAPI()

    @app.get("/.well-known/jwks.json")
    async def jwks() -> dict[str, Any]:
        return {"keys": [SIGNING_KEY.public_jwk]}

    @app.post("/internal/v1/api-keys/resolve")
    async def resolve(body: dict[str, str]) -> JSONResponse:
        found = API_KEYS.get(body["key"])
        if found is None:
            error = {"code": "api_key_invalid", "message": "No such key."}
            return JSONResponse({"error": error}, status_code=404)
        return JSONResponse(found)

    @app.api_route("/api/v1/analytics/echo", methods=["GET", "POST"])
    @app.api_route("/internal/v1/echo", methods=["GET", "POST"])
    async def echo(request: Request) -> dict[str, Any]:
        return {
            "headers": dict(request.headers),
            "path": request.url.path,
            "rawPath": request.scope["raw_path"].decode(),
            "query": str(request.query_params),
            "rawQuery": request.scope["query_string"].decode(),
            "body": (await request.body()).decode(),
        }

    @app.get("/api/v1/analytics/slow")
    async def slow() -> dict[str, Any]:
        SLOW_IN_FLIGHT.append(1)
        try:
            await asyncio.sleep(5)
        finally:
            SLOW_IN_FLIGHT.pop()
        return {}

    @app.get("/api/v1/analytics/missing")
    async def missing() -> JSONResponse:
        return JSONResponse({"error": {"code": "resource_missing"}}, status_code=404)

    @app.get("/api/v1/analytics/cookies")
    async def cookies() -> JSONResponse:
        response = JSONResponse({})
        response.set_cookie("first", "1")
        response.set_cookie("second", "2")
        return response

    @app.get("/api/v1/analytics/export")
    async def export() -> StreamingResponse:
        async def lines() -> AsyncIterator[bytes]:
            for n in range(EXPORT_LINES):
                yield f"{n},pay_{n}\n".encode()

        return StreamingResponse(lines(), media_type="text/csv")

    @app.delete("/api/v1/analytics/things/{thing_id}", status_code=204)
    async def delete_thing(thing_id: str) -> None:
        return None

    @app.post("/internal/v1/conflict")
    async def conflict() -> JSONResponse:
        error = {"type": "invalid_request_error", "code": "hold_exists", "message": "Held."}
        return JSONResponse({"error": {**error, "param": "holdId"}}, status_code=409)

    @app.get("/internal/v1/broken")
    async def broken() -> PlainTextResponse:
        return PlainTextResponse("upstream proxy error", status_code=502)

    return app
