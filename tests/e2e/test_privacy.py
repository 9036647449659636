"""A person exports everything Expe holds about them, then deletes their account: their personal
data is gone, the merchants they worked for keep their payments, keys and audit log."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from devstack.accounts import (
    PASSWORD,
    Merchant,
    Session,
    bearer,
    create_key,
    mail_text,
    sign_up,
    token_in,
    unique_email,
)
from devstack.stack import Stack
from tests.e2e.conftest import from_own_address, new_account

pytestmark = pytest.mark.e2e

VISA_OK = {"number": "4242424242424242", "expMonth": 12, "expYear": 2040, "cvc": "123"}


def _paid_payment(gateway: httpx.Client, secret_key: str) -> str:
    created = gateway.post(
        "/api/v1/payments",
        json={"amount": 12_500, "currency": "INR", "orderId": "order-privacy"},
        headers={**bearer(secret_key), "Idempotency-Key": unique_email("order")},
    )
    assert created.status_code == 201, created.text
    payment = created.json()
    confirmed = gateway.post(
        f"/api/v1/checkout/payments/{payment['id']}/confirm",
        json={"method": "card", "card": VISA_OK},
        headers={"Expe-Client-Secret": payment["clientSecret"]},
    )
    assert confirmed.json()["status"] == "succeeded", confirmed.text
    return str(payment["id"])


def _join_as_owner(
    gateway: httpx.Client, mailpit_url: str, founder: Session, merchant_id: str
) -> Session:
    partner = sign_up(gateway, mailpit_url, unique_email("partner"))
    invited = gateway.post(
        f"/api/v1/merchants/{merchant_id}/members",
        json={"email": partner.email, "role": "developer"},
        headers=founder.headers(),
    )
    assert invited.status_code == 201, invited.text
    token = token_in(mail_text(mailpit_url, partner.email, "invit"))
    accepted = gateway.post(
        "/api/v1/invitations/accept", json={"token": token}, headers=partner.headers()
    )
    assert accepted.status_code == 200, accepted.text
    promoted = gateway.patch(
        f"/api/v1/merchants/{merchant_id}/members/{partner.user_id}",
        json={"role": "owner"},
        headers=founder.headers(),
    )
    assert promoted.status_code == 200, promoted.text
    return partner


def _delete(gateway: httpx.Client, who: Session, **body: str) -> httpx.Response:
    return gateway.request("DELETE", "/api/v1/auth/me", json=body, headers=who.headers())


@pytest.fixture
def gateway(stack: Stack) -> Iterator[httpx.Client]:
    """The people of this test on their own address: deletion asks for the password again, and
    failed passwords count per address, which the fuzzers earlier in the run spend for 127.0.0.1."""
    with from_own_address(stack) as client:
        yield client


def test_export_then_deletion_erases_the_person_and_keeps_the_merchants_records(
    gateway: httpx.Client, mailpit_url: str
) -> None:
    founder = sign_up(gateway, mailpit_url, unique_email("founder"))
    account = new_account(gateway, founder)
    merchant_id, project_id = account.merchant_id, account.merchant.project_id
    payment_id = _paid_payment(gateway, account.secret_key)
    partner = _join_as_owner(gateway, mailpit_url, founder, merchant_id)
    partners_key = create_key(gateway, Merchant(partner, merchant_id, project_id))

    export = gateway.get("/api/v1/auth/me/export", headers=partner.headers())
    assert export.status_code == 200, export.text
    data = export.json()
    assert data["profile"]["email"] == partner.email and data["profile"]["id"] == partner.user_id
    assert data["twoFactor"] == {"enabled": False, "enabledAt": None, "recoveryCodesLeft": 0}
    assert [(m["merchantId"], m["role"]) for m in data["memberships"]] == [(merchant_id, "owner")]
    assert [s["status"] for s in data["sessions"]] == ["active"]
    actions = {event["action"] for event in data["auditEvents"]}
    assert {
        "user.registered",
        "user.email_verified",
        "user.login_succeeded",
        "member.invited",
        "member.joined",
        "member.role_changed",
        "api_key.created",
        "user.data_exported",
    } <= actions
    for secret in (PASSWORD, partner.access_token, partner.refresh_token, partners_key["secret"]):
        assert secret not in export.text
    assert "passwordHash" not in export.text

    wrong = _delete(gateway, partner, password="not-my-password-at-all")
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (400, "incorrect_password")
    assert _delete(gateway, partner, password=PASSWORD).status_code == 204

    # The person is gone: no login, no refresh, the tokens they held are refused.
    login = gateway.post("/api/v1/auth/login", json={"email": partner.email, "password": PASSWORD})
    assert login.status_code == 401
    refresh = gateway.post("/api/v1/auth/refresh", json={"refreshToken": partner.refresh_token})
    assert refresh.status_code == 401
    assert gateway.get("/api/v1/auth/me", headers=partner.headers()).status_code == 401

    # The merchant keeps its payment, the key the person made, and its whole audit log, which
    # still verifies but no longer holds their email.
    payment = gateway.get(f"/api/v1/payments/{payment_id}", headers=bearer(account.secret_key))
    assert (payment.status_code, payment.json()["status"]) == (200, "succeeded")
    by_their_key = gateway.get("/api/v1/payments", headers=bearer(partners_key["secret"]))
    assert by_their_key.status_code == 200
    page = gateway.get(
        f"/api/v1/merchants/{merchant_id}/audit-logs",
        params={"limit": 100},
        headers=founder.headers(),
    ).json()
    log = page["data"]
    theirs = [event for event in log if event["actor"]["userId"] == partner.user_id]
    assert {"member.joined", "api_key.created"} <= {event["action"] for event in theirs}
    assert log[0]["action"] == "member.removed" and log[0]["target"]["userId"] == partner.user_id
    assert all(event["actor"]["email"] is None and event["ip"] is None for event in theirs)
    assert partner.email not in str(log)
    verified = gateway.get(
        f"/api/v1/merchants/{merchant_id}/audit-logs/verify", headers=founder.headers()
    ).json()
    assert verified == {"valid": True, "entries": page["total"], "brokenAt": None}

    # The founder is now the merchant's last owner, and cannot leave it ownerless.
    last = _delete(gateway, founder, password=PASSWORD)
    assert (last.status_code, last.json()["error"]["code"]) == (409, "last_owner")
    assert merchant_id in last.json()["error"]["message"]

    # The address is free: whoever registers it is a new person, with none of the old data.
    again = sign_up(gateway, mailpit_url, partner.email)
    assert again.user_id != partner.user_id
    fresh = gateway.get("/api/v1/auth/me/export", headers=again.headers()).json()
    assert fresh["memberships"] == []
