"""`GET /api/v1/logs`: a merchant's recent requests through the gateway, newest first, each with
its status and request id, followable with `after`."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import httpx
import pytest

from devstack.profile import Profile
from devstack.serving import serve_in_thread
from devstack.waiting import wait_until
from gateway.app import create_app
from gateway.settings import GatewaySettings, ServiceUrls
from tests.gateway.upstream import SIGNING_KEY, api_key
from tests.tokens import mint


@pytest.fixture(scope="module")
def gateway_url(upstream_url: str, profile: Profile) -> Iterator[str]:
    settings = GatewaySettings(
        live_relay=False,  # no broker behind these gateways
        services=ServiceUrls(auth=upstream_url, analytics=upstream_url),
        redis={"url": profile.redis_url},
    )
    with serve_in_thread(create_app(settings)) as url:
        yield url


def logged(client: httpx.Client, count: int, **params: str) -> list[dict]:
    def enough() -> list[dict] | None:
        entries = client.get("/api/v1/logs", params=params).json()["data"]
        # The log's own reads are logged too; only the other requests count here.
        others = [e for e in entries if e["path"] != "/api/v1/logs"]
        return others if len(others) >= count else None

    return wait_until(enough, timeout=5, interval=0.1, what=f"{count} logged requests")


def test_requests_are_logged_newest_first_with_status_and_request_id(gateway_url: str) -> None:
    key = api_key(merchant_id=f"mer_{secrets.token_hex(6)}")
    with httpx.Client(base_url=gateway_url, headers={"Authorization": f"Bearer {key}"}) as client:
        ok = client.get("/api/v1/analytics/echo", headers={"X-Request-ID": "req-log-1"})
        missing = client.get("/api/v1/analytics/missing")
        entries = logged(client, 2)
        assert [(e["method"], e["path"], e["status"], e["requestId"]) for e in entries] == [
            ("GET", "/api/v1/analytics/missing", 404, missing.headers["X-Request-ID"]),
            ("GET", "/api/v1/analytics/echo", ok.status_code, "req-log-1"),
        ]
        assert all(e["durationMs"] >= 0 and e["at"].endswith("Z") for e in entries)

        # Following: only what came after the newest entry seen.
        newest = client.get("/api/v1/logs", params={"limit": 1}).json()["data"][0]["id"]
        client.post("/api/v1/analytics/echo", json={"n": 1})
        (after,) = logged(client, 1, after=newest)
        assert (after["method"], after["status"]) == ("POST", 200)

    # Another merchant's key sees none of it: its own log read is all there is.
    stranger = api_key(merchant_id=f"mer_{secrets.token_hex(6)}")
    with httpx.Client(
        base_url=gateway_url, headers={"Authorization": f"Bearer {stranger}"}
    ) as other:
        assert other.get("/api/v1/logs").json()["data"] == []


def test_bad_cursors_and_callers_without_a_merchant_get_400(gateway_url: str) -> None:
    with httpx.Client(base_url=gateway_url) as client:
        key = {"Authorization": f"Bearer {api_key()}"}
        bad = client.get("/api/v1/logs", params={"after": "yesterday"}, headers=key)
        assert (bad.status_code, bad.json()["error"]["param"]) == (400, "after")
        person = {"Authorization": f"Bearer {mint(SIGNING_KEY)}"}
        no_merchant = client.get("/api/v1/logs", headers=person)
        assert no_merchant.status_code == 400
        assert "Expe-Merchant" in no_merchant.json()["error"]["message"]
        assert client.get("/api/v1/logs").status_code == 401
