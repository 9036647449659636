"""Identity and access through the gateway, against the real auth service."""

from __future__ import annotations

import httpx
import pytest

from devstack.accounts import (
    ADMIN_EMAIL,
    SEEN,
    Merchant,
    Session,
    bearer,
    create_key,
    create_merchant,
    mail_text,
    sign_up,
    token_in,
    unique_email,
)
from devstack.waiting import wait_until
from tests.e2e.conftest import Account
from tests.tokens import mint, new_signing_key, unsigned

pytestmark = pytest.mark.e2e

SUMMARY = "/api/v1/analytics/payments/summary"


def status_with(gateway: httpx.Client, secret: str) -> int:
    return gateway.get(SUMMARY, headers=bearer(secret)).status_code


@pytest.fixture(scope="module")
def admin(gateway: httpx.Client, mailpit_url: str) -> Session:
    return sign_up(gateway, mailpit_url, email=ADMIN_EMAIL)


def test_refresh_rotates_and_reuse_signs_the_whole_session_out(
    gateway: httpx.Client, mailpit_url: str
) -> None:
    session = sign_up(gateway, mailpit_url)
    assert gateway.get("/api/v1/auth/me", headers=session.headers()).json()["user"]["email"] == (
        session.email
    )
    first = gateway.post("/api/v1/auth/refresh", json={"refreshToken": session.refresh_token})
    assert first.status_code == 200
    rotated = first.json()
    SEEN.add(rotated["accessToken"], rotated["refreshToken"])
    assert rotated["refreshToken"] != session.refresh_token

    reused = gateway.post("/api/v1/auth/refresh", json={"refreshToken": session.refresh_token})
    assert reused.status_code == 401
    # The reuse revoked the family: the newest refresh token and live access tokens die too.
    after = gateway.post("/api/v1/auth/refresh", json={"refreshToken": rotated["refreshToken"]})
    assert after.status_code == 401
    wait_until(
        lambda: (
            gateway.get(
                "/api/v1/auth/me", headers={"Authorization": f"Bearer {rotated['accessToken']}"}
            ).status_code
            == 401
        ),
        timeout=10,
        what="the revoked session's access token to be refused",
    )


def test_logout_refuses_the_access_token_at_once(gateway: httpx.Client, mailpit_url: str) -> None:
    session = sign_up(gateway, mailpit_url)
    assert gateway.post("/api/v1/auth/logout", headers=session.headers()).status_code in (200, 204)
    response = gateway.get("/api/v1/auth/me", headers=session.headers())
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_access_token"


@pytest.mark.parametrize(
    "token",
    [
        lambda: mint(new_signing_key()),
        lambda: unsigned(),
        lambda: "eyJhbGciOiJFZERTQSJ9.e30.AAAA",
    ],
    ids=["unknown-key", "alg-none", "garbage-signature"],
)
def test_tokens_not_signed_by_auth_are_refused(gateway: httpx.Client, token) -> None:
    response = gateway.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token()}"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_access_token"


def test_key_rotation_grace_then_revocation(gateway: httpx.Client, account: Account) -> None:
    old = account.secret_key
    assert status_with(gateway, old) == 200
    keys = gateway.get(
        f"/api/v1/projects/{account.merchant.project_id}/api-keys",
        headers=account.merchant.owner.headers(),
    ).json()["data"]
    (listed,) = keys
    assert old not in str(keys)  # listed by prefix and last four only
    assert listed["last4"] == old[-4:]

    rotated = gateway.post(
        f"/api/v1/api-keys/{listed['id']}/rotate",
        json={"gracePeriodSeconds": 3},
        headers=account.merchant.owner.headers(),
    )
    assert rotated.status_code == 201, rotated.text
    new = rotated.json()["secret"]
    SEEN.add(new)
    # During the grace period both keys work.
    assert (status_with(gateway, new), status_with(gateway, old)) == (200, 200)
    wait_until(lambda: status_with(gateway, old) == 401, timeout=20, what="the grace to end")
    assert status_with(gateway, new) == 200

    revoked = gateway.post(
        f"/api/v1/api-keys/{rotated.json()['id']}/revoke",
        headers=account.merchant.owner.headers(),
    )
    assert revoked.status_code == 200, revoked.text
    wait_until(lambda: status_with(gateway, new) == 401, timeout=10, what="revocation")


def test_ip_allowlist(gateway: httpx.Client, account: Account) -> None:
    elsewhere = create_key(gateway, account.merchant, ip_allowlist=["10.0.0.0/8"])["secret"]
    here = create_key(gateway, account.merchant, ip_allowlist=["127.0.0.1/32"])["secret"]
    refused = gateway.get(SUMMARY, headers=bearer(elsewhere))
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "ip_not_allowed"
    assert status_with(gateway, here) == 200


def test_publishable_and_secret_keys_reach_only_their_routes(
    gateway: httpx.Client, account: Account
) -> None:
    publishable = create_key(gateway, account.merchant, type="publishable")["secret"]
    assert publishable.startswith("pk_test_")
    refused = gateway.get(SUMMARY, headers=bearer(publishable))
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "publishable_key_not_allowed"
    manage = gateway.get("/api/v1/merchants", headers=bearer(account.secret_key))
    assert manage.status_code == 403
    assert manage.json()["error"]["code"] == "api_key_not_allowed"


def test_viewer_cannot_create_keys(
    gateway: httpx.Client, mailpit_url: str, account: Account
) -> None:
    viewer = sign_up(gateway, mailpit_url, email=unique_email("viewer"))
    invited = gateway.post(
        f"/api/v1/merchants/{account.merchant_id}/members",
        json={"email": viewer.email, "role": "viewer"},
        headers=account.merchant.owner.headers(),
    )
    assert invited.status_code == 201, invited.text
    token = token_in(mail_text(mailpit_url, viewer.email, "invit"))
    accepted = gateway.post(
        "/api/v1/invitations/accept", json={"token": token}, headers=viewer.headers()
    )
    assert accepted.status_code == 200, accepted.text
    attempt = gateway.post(
        f"/api/v1/projects/{account.merchant.project_id}/api-keys",
        json={"type": "secret", "mode": "test"},
        headers=viewer.headers(),
    )
    assert attempt.status_code == 403
    assert attempt.json()["error"]["code"] == "role_required"
    # The viewer still reads the merchant's data in the dashboard.
    read = gateway.get(SUMMARY, headers=viewer.headers(account.merchant_id))
    assert read.status_code == 200


def test_live_keys_only_for_a_verified_merchant(
    gateway: httpx.Client, owner: Session, admin: Session
) -> None:
    merchant: Merchant = create_merchant(gateway, owner)
    body = {"type": "secret", "mode": "live"}
    path = f"/api/v1/projects/{merchant.project_id}/api-keys"
    refused = gateway.post(path, json=body, headers=owner.headers())
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "merchant_not_verified"
    verified = gateway.post(
        f"/api/v1/admin/merchants/{merchant.merchant_id}/verify", headers=admin.headers()
    )
    assert verified.status_code == 200, verified.text
    live = create_key(gateway, merchant, mode="live")["secret"]
    assert live.startswith("sk_live_")
    summary = gateway.get(SUMMARY, headers=bearer(live))
    assert summary.json()["mode"] == "live"


def test_creating_a_merchant_with_an_idempotency_key_happens_once(
    gateway: httpx.Client, owner: Session
) -> None:
    body = {"name": "Dosa Corner", "country": "IN", "defaultCurrency": "INR"}
    headers = {**owner.headers(), "Idempotency-Key": unique_email("idem")}
    first = gateway.post("/api/v1/merchants", json=body, headers=headers)
    again = gateway.post("/api/v1/merchants", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    other = gateway.post("/api/v1/merchants", json={**body, "name": "Other"}, headers=headers)
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"
