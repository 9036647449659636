"""Past a service's in-flight limit the gateway answers at once with 503 and Retry-After."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from devstack.profile import Profile
from devstack.serving import serve_in_thread
from devstack.waiting import wait_until
from gateway.app import create_app
from gateway.settings import GatewaySettings, ServiceUrls
from tests.gateway.upstream import SIGNING_KEY, SLOW_IN_FLIGHT
from tests.tokens import mint


@pytest.fixture
def gateway(upstream_url: str, profile: Profile) -> Iterator[httpx.Client]:
    settings = GatewaySettings(
        live_relay=False,  # no broker behind these gateways
        services=ServiceUrls(auth=upstream_url, analytics=upstream_url),
        redis={"url": profile.redis_url},
        upstream_timeout_seconds=3,
        max_in_flight_per_service=2,
    )
    headers = {"Authorization": f"Bearer {mint(SIGNING_KEY)}"}
    with (
        serve_in_thread(create_app(settings)) as url,
        httpx.Client(base_url=url, headers=headers, timeout=10) as client,
    ):
        yield client


def test_a_request_past_the_limit_is_refused_at_once_and_the_admitted_ones_go_on(
    gateway: httpx.Client,
) -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        # Two slow requests fill the analytics service's two places.
        slow = [pool.submit(gateway.get, "/api/v1/analytics/slow") for _ in range(2)]
        wait_until(lambda: len(SLOW_IN_FLIGHT) == 2, timeout=3, interval=0.01, what="both")
        refused = gateway.get("/api/v1/analytics/missing")
        # Shed before authentication: refusing costs no credential check.
        unchecked = gateway.get(
            "/api/v1/analytics/missing", headers={"Authorization": "Bearer not-a-token"}
        )
        answers = [future.result() for future in slow]
    assert refused.status_code == 503
    assert refused.json()["error"]["code"] == "overloaded"
    assert refused.json()["error"]["requestId"] == refused.headers["X-Request-ID"]
    assert refused.headers["Retry-After"] == "1"
    assert unchecked.status_code == 503
    # The admitted requests were served as usual (the stand-in is slower than the timeout).
    assert [a.json()["error"]["code"] for a in answers] == ["upstream_timeout"] * 2
    # Once they are done, requests get through again.
    assert gateway.get("/api/v1/analytics/missing").status_code == 404
