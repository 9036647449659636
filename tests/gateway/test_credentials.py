"""API keys through the gateway: who the service is told is calling, allowlists, revocation."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from devstack.profile import Profile
from devstack.serving import serve_in_thread
from devstack.waiting import wait_until
from gateway.app import create_app
from gateway.settings import GatewaySettings, ServiceUrls
from shared.identity import verify_headers
from shared.settings import LOCAL_INTERNAL_SECRET
from tests.gateway.upstream import API_KEYS, api_key

ECHO = "/api/v1/analytics/echo"


@pytest.fixture(scope="module")
def gateway(upstream_url: str, profile: Profile) -> Iterator[httpx.Client]:
    # Answers about keys are remembered for a second: the most a change may lag.
    settings = GatewaySettings(
        live_relay=False,  # no broker behind these gateways
        services=ServiceUrls(auth=upstream_url, analytics=upstream_url),
        redis={"url": profile.redis_url},
        credential_cache_seconds=1,
    )
    with serve_in_thread(create_app(settings)) as url, httpx.Client(base_url=url) as client:
        yield client


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_the_service_is_told_which_key_and_merchant_call(gateway: httpx.Client) -> None:
    key = api_key()
    seen = gateway.get(ECHO, headers=bearer(key)).json()["headers"]
    caller = verify_headers(
        seen["x-expe-identity"],
        seen["x-expe-signature"],
        secret=LOCAL_INTERNAL_SECRET,
        method="GET",
        path=ECHO,
    )
    assert (caller.kind, caller.merchant_id, caller.key_id, caller.mode) == (
        "api_key",
        "mer_test",
        API_KEYS[key]["keyId"],
        "test",
    )


def test_a_key_is_refused_outside_its_allowlist_until_the_allowlist_admits_the_caller(
    gateway: httpx.Client,
) -> None:
    key = api_key(ip_allowlist=["10.0.0.0/8"])
    refused = gateway.get(ECHO, headers=bearer(key))
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "ip_not_allowed"
    # The allowlist is parsed once per distinct list: a changed one is read anew.
    API_KEYS[key]["ipAllowlist"] = ["10.0.0.0/8", "127.0.0.1/32"]
    wait_until(
        lambda: gateway.get(ECHO, headers=bearer(key)).status_code == 200,
        timeout=10,
        what="the new allowlist to be used",
    )
    API_KEYS[key]["ipAllowlist"] = ["192.168.0.0/16"]
    wait_until(
        lambda: gateway.get(ECHO, headers=bearer(key)).status_code == 403,
        timeout=10,
        what="the narrowed allowlist to be used",
    )


def test_a_revoked_key_stops_working_once_its_answer_expires(gateway: httpx.Client) -> None:
    key = api_key()
    assert gateway.get(ECHO, headers=bearer(key)).status_code == 200
    del API_KEYS[key]

    def refused() -> bool:
        response = gateway.get(ECHO, headers=bearer(key))
        return response.status_code == 401 and response.json()["error"]["code"] == "api_key_invalid"

    wait_until(refused, timeout=10, what="the revoked key to be refused")
