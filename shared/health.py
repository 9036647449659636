"""Liveness (`/healthz`) and readiness (`/readyz`: MongoDB, Kafka and Redis reachable, and the
process not shutting down)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import APIRouter, Request

from shared.responses import JsonResponse

Check = Callable[[], Awaitable[Any]]

CHECK_TIMEOUT_SECONDS = 2.5


async def run_check(check: Check) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            await check()
    except Exception as error:  # any failure means "not ready"; the reason is reported
        return {"ok": False, "error": type(error).__name__ + (f": {error}" if str(error) else "")}
    return {"ok": True, "latencyMs": round((time.perf_counter() - started) * 1000, 1)}


async def run_checks(checks: Mapping[str, Check]) -> dict[str, dict[str, Any]]:
    results = await asyncio.gather(*(run_check(check) for check in checks.values()))
    return dict(zip(checks, results, strict=True))


def draining_answer(service: str | None = None) -> JsonResponse:
    """Readiness while shutting down (shared/shutdown.py): send nothing new here."""
    body = {"status": "draining"} | ({"service": service} if service else {})
    return JsonResponse(body, status_code=503)


def health_router(
    service: str,
    checks: Callable[[Request], Mapping[str, Check]],
    draining: Callable[[Request], bool],
) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        """Alive: the process answers."""
        return {"status": "ok", "service": service}

    @router.get("/readyz")
    async def readyz(request: Request) -> JsonResponse:
        """Ready: every dependency answers, and the process is not shutting down."""
        if draining(request):
            return draining_answer(service)
        results = await run_checks(checks(request))
        ready = all(result["ok"] for result in results.values())
        return JsonResponse(
            {"status": "ready" if ready else "unavailable", "service": service, "checks": results},
            status_code=200 if ready else 503,
        )

    return router
