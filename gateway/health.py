"""The gateway's `/healthz`: every service's readiness and the infrastructure behind them."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from shared.errors import ExpeError
from shared.health import run_check
from shared.internal_http import ServiceClient


async def service_readiness(client: ServiceClient, timeout: float) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        response = await client.request("GET", "/readyz", timeout=timeout)
        body = response.json()
    except (ExpeError, ValueError) as error:
        return {"ok": False, "error": type(error).__name__, "checks": {}}
    return {
        "ok": response.status_code == 200,
        "status": body.get("status"),
        "latencyMs": round((time.perf_counter() - started) * 1000, 1),
        "checks": body.get("checks", {}),
    }


def infrastructure_view(
    services: dict[str, dict[str, Any]], gateway_redis: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """A dependency is up when every service that could reach it says so."""
    view: dict[str, dict[str, Any]] = {}
    for name, report in services.items():
        for dependency, check in report.get("checks", {}).items():
            entry = view.setdefault(dependency, {"ok": True, "failingFrom": []})
            if not check.get("ok"):
                entry["ok"] = False
                entry["failingFrom"].append(name)
    redis = view.setdefault("redis", {"ok": True, "failingFrom": []})
    if not gateway_redis["ok"]:
        redis["ok"] = False
        redis["failingFrom"].append("gateway")
    return view


async def mesh_health(
    clients: dict[str, ServiceClient], redis_ping: Any, timeout: float
) -> dict[str, Any]:
    names = list(clients)
    reports, redis = await asyncio.gather(
        asyncio.gather(*(service_readiness(clients[name], timeout) for name in names)),
        run_check(redis_ping),
    )
    services = dict(zip(names, reports, strict=True))
    infrastructure = infrastructure_view(services, redis)
    healthy = all(report["ok"] for report in services.values()) and all(
        dependency["ok"] for dependency in infrastructure.values()
    )
    return {
        "status": "ok" if healthy else "degraded",
        "gateway": {"ok": True},
        "services": {
            name: {k: v for k, v in r.items() if k != "checks"} for name, r in services.items()
        },
        "infrastructure": infrastructure,
    }
