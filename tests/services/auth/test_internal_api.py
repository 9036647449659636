"""The internal routes answer the gateway only: API key resolution and membership lookups."""

from __future__ import annotations

import httpx

from shared.identity import Caller
from tests.services.auth.test_merchants_factories import (
    User,
    auth_service,
    create_key,
    create_merchant,
    create_project,
    error_code,
    join,
    ok,
    verify_merchant,
)
from tests.signing import ANONYMOUS, GATEWAY, AsGateway


def test_internal_routes_refuse_every_caller_but_the_gateway(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owner = User(url)
        merchant = create_merchant(owner)
        key = create_key(owner, create_project(owner, merchant["id"])["id"])
        api_key_caller = Caller(
            kind="api_key", merchant_id=merchant["id"], key_id=key["id"], mode="test"
        )
        membership = f"{url}/internal/v1/memberships/{merchant['id']}/{owner.id}"
        refused = []
        for caller in (owner.caller, api_key_caller, ANONYMOUS):
            refused.append(
                httpx.post(
                    f"{url}/internal/v1/api-keys/resolve",
                    json={"key": key["secret"]},
                    auth=AsGateway(caller),
                )
            )
            refused.append(httpx.get(membership, auth=AsGateway(caller)))
        unsigned = httpx.get(membership)
        by_gateway = httpx.get(membership, auth=AsGateway(GATEWAY))
    assert [r.status_code for r in refused] == [403] * 6
    assert error_code(unsigned) == (401, "invalid_internal_signature")
    assert by_gateway.status_code == 200


def test_membership_lookup_gives_role_merchant_status_and_plan(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owner, viewer = User(url), User(url)
        merchant = create_merchant(owner)
        mid = merchant["id"]
        join(owner, mid, viewer, profile, "viewer")

        def lookup(merchant_id: str, user_id: str) -> httpx.Response:
            return httpx.get(
                f"{url}/internal/v1/memberships/{merchant_id}/{user_id}", auth=AsGateway(GATEWAY)
            )

        as_owner = ok(lookup(mid, owner.id))
        as_viewer = ok(lookup(mid, viewer.id))
        stranger = lookup(mid, User(url).id)
        unknown = lookup("mer_0000000000000000000000", owner.id)
        malformed = lookup("mer:x", owner.id)
        verify_merchant(url, mid)
        after_verification = ok(lookup(mid, owner.id))
        assert owner.delete(f"/api/v1/merchants/{mid}/members/{viewer.id}").status_code == 204
        removed = lookup(mid, viewer.id)
    assert as_owner == {"role": "owner", "merchantStatus": "unverified", "plan": "standard"}
    assert as_viewer["role"] == "viewer"
    assert stranger.status_code == unknown.status_code == malformed.status_code == 404
    assert after_verification["merchantStatus"] == "verified"
    assert removed.status_code == 404


def test_resolve_refuses_unknown_and_oversized_keys_without_echoing_them(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        gateway = AsGateway(GATEWAY)
        unknown_key = "sk_live_" + "Z" * 32
        unknown = httpx.post(
            f"{url}/internal/v1/api-keys/resolve", json={"key": unknown_key}, auth=gateway
        )
        oversized = httpx.post(
            f"{url}/internal/v1/api-keys/resolve", json={"key": "sk_" * 100}, auth=gateway
        )
    assert error_code(unknown) == (404, "api_key_unknown")
    assert unknown_key not in unknown.text
    assert oversized.status_code == 400
    assert "sk_sk_" not in oversized.text
