"""The attack suite's fixtures: the e2e mesh (tests/e2e's fixtures, imported), and one victim
merchant with every kind of caller and a real object of each kind, built once for the suite."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from devstack.accounts import (
    ADMIN_EMAIL,
    PASSWORD,
    Merchant,
    Session,
    bearer,
    create_key,
    create_merchant,
    log_in,
    mail_text,
    sign_up,
    token_in,
    unique_email,
)
from devstack.waiting import wait_until
from shared.ids import new_id
from tests.e2e.conftest import from_own_address, gateway, mailpit_url
from tests.receivers import Receiver, receiving

__all__ = ["from_own_address", "gateway", "mailpit_url"]

CARD = {"number": "4242424242424242", "expMonth": 12, "expYear": 2040, "cvc": "123"}


# What the suite measured (cells checked, payloads tried), printed at the end of the run.
FIGURES: list[str] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in FIGURES:
        terminalreporter.write_line(line)


def with_key(headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "Idempotency-Key": secrets.token_hex(8)}


def created(response: httpx.Response, status: int = 201) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return dict(response.json())


@dataclass
class Objects:
    """One real object of each kind in one mode, the values of the routes' path parameters."""

    values: dict[str, str] = field(default_factory=dict)
    client_secret: str = ""
    webhook_url: str = ""


@dataclass
class Victim:
    """Merchant A with its members and keys, a stranger with merchant B, and A's objects."""

    owner: Session
    developer: Session
    viewer: Session
    stranger: Session
    merchant: Merchant
    stranger_merchant: Merchant
    secret_key: str
    publishable_key: str
    live_key: str
    stranger_key: str
    test: Objects
    live: Objects
    receiver: Receiver

    @property
    def merchant_id(self) -> str:
        return self.merchant.merchant_id

    def path(self, template: str, objects: Objects, key_id: str, **chosen: str) -> str:
        """`template` (`/api/v1/payments/{payment_id}`) naming real objects: those of
        `objects`' mode, the merchant's, its project, key `key_id`, the owner; or `chosen`."""
        kind = "topup_id" if template.startswith("/api/v1/topups") else "transfer_id"
        values = {
            **objects.values,
            "merchant_id": self.merchant_id,
            "project_id": self.merchant.project_id,
            "key_id": key_id,
            "user_id": self.owner.user_id,
            "movement_id": objects.values[kind],
            **chosen,
        }
        return template.format_map(values)


def _admin(gateway: httpx.Client, mailpit_url: str) -> Session:
    """The platform operator of the e2e mesh, signed up by whichever suite needs one first."""
    answer = gateway.post("/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": PASSWORD})
    if answer.status_code == 200:
        return log_in(gateway, ADMIN_EMAIL)
    return sign_up(gateway, mailpit_url, email=ADMIN_EMAIL)


def _member(gateway: httpx.Client, mailpit_url: str, merchant: Merchant, role: str) -> Session:
    person = sign_up(gateway, mailpit_url, email=unique_email(role))
    invited = gateway.post(
        f"/api/v1/merchants/{merchant.merchant_id}/members",
        json={"email": person.email, "role": role},
        headers=merchant.owner.headers(),
    )
    created(invited)
    token = token_in(mail_text(mailpit_url, person.email, "invit"))
    accepted = gateway.post(
        "/api/v1/invitations/accept", json={"token": token}, headers=person.headers()
    )
    created(accepted, 200)
    return person


# Where live-mode endpoints point: live mode takes public https:// addresses only, and this one
# (example.com's) is not reached from the test machine, so its attempts fail, quickly.
LIVE_WEBHOOK_URL = "https://93.184.215.14/hooks"


def _objects(gateway: httpx.Client, key: str, webhook_url: str, payee: str) -> Objects:
    """A payment, a funded wallet with a top-up and a transfer out to `payee`, and a webhook
    endpoint for `webhook_url` with one attempt, all made with `key`."""
    headers = bearer(key)
    payment = created(
        gateway.post(
            "/api/v1/payments",
            json={"amount": 5_000, "currency": "INR", "orderId": f"ord_{secrets.token_hex(4)}"},
            headers=with_key(headers),
        )
    )
    # Reusable without a limit: each caller of its public routes may press Pay.
    link = created(
        gateway.post(
            "/api/v1/payment-links",
            json={"currency": "INR", "description": "matrix", "amount": 5_000, "reusable": True},
            headers=with_key(headers),
        )
    )
    card = {"number": "4242424242424242", "expMonth": 12, "expYear": 2099, "cvc": "123"}
    method = created(
        gateway.post("/api/v1/payment-methods", json={"card": card}, headers=with_key(headers))
    )
    plan = created(
        gateway.post(
            "/api/v1/plans",
            json={"name": "matrix", "amount": 5_000, "currency": "INR", "interval": "month"},
            headers=with_key(headers),
        )
    )
    subscription = created(
        gateway.post(
            "/api/v1/subscriptions",
            json={
                "planId": plan["id"],
                "customer": {"email": "matrix@example.com"},
                "paymentMethodId": method["id"],
            },
            headers=with_key(headers),
        )
    )
    dispute_id, file_id = _dispute(gateway, headers, card)
    wallet = gateway.post("/api/v1/wallets", json={"currency": "INR"}, headers=with_key(headers))
    assert wallet.status_code in (200, 201), wallet.text
    wallet_id = wallet.json()["id"]
    topup = created(
        gateway.post(
            "/api/v1/topups",
            json={"walletId": wallet_id, "amount": 100_000, "source": {"type": "upi"}},
            headers=with_key(headers),
        )
    )
    transfer = created(
        gateway.post(
            "/api/v1/transfers",
            json={
                "fromWalletId": wallet_id,
                "to": {"walletId": payee},
                "amount": 100,
                "currency": "INR",
            },
            headers=with_key(headers),
        )
    )
    endpoint = created(
        gateway.post(
            "/api/v1/webhooks/endpoints",
            json={"url": webhook_url, "enabledEvents": ["*"]},
            headers=with_key(headers),
        )
    )
    created(
        gateway.post(f"/api/v1/webhooks/endpoints/{endpoint['id']}/test", headers=with_key(headers))
    )
    attempts = wait_until(
        lambda: gateway.get(
            "/api/v1/webhooks/attempts", params={"endpointId": endpoint["id"]}, headers=headers
        ).json()["data"],
        timeout=30,
        what="a webhook attempt to the endpoint",
    )
    return Objects(
        {
            "payment_id": payment["id"],
            "link_id": link["id"],
            "slug": link["slug"],
            "payment_method_id": method["id"],
            "plan_id": plan["id"],
            "subscription_id": subscription["id"],
            "dispute_id": dispute_id,
            "file_id": file_id,
            "wallet_id": wallet_id,
            "topup_id": topup["id"],
            "transfer_id": transfer["id"],
            "endpoint_id": endpoint["id"],
            "attempt_id": attempts[0]["id"],
            "payee_wallet_id": payee,
        },
        client_secret=payment["clientSecret"],
        webhook_url=webhook_url,
    )


def _dispute(
    gateway: httpx.Client, headers: dict[str, str], card: dict[str, Any]
) -> tuple[str, str]:
    """A dispute of a paid payment, with an evidence file. Live mode simulates no disputes: its
    ids are ones no dispute or file has, for the calls that must find none."""
    payment = created(
        gateway.post(
            "/api/v1/payments",
            json={"amount": 5_000, "currency": "INR", "orderId": f"ord_{secrets.token_hex(4)}"},
            headers=with_key(headers),
        )
    )
    confirm = f"/api/v1/checkout/payments/{payment['id']}/confirm"
    paid = gateway.post(confirm, json={"method": "card", "card": card}, headers=with_key(headers))
    opened = gateway.post(
        f"/api/v1/payments/{payment['id']}/disputes", json={}, headers=with_key(headers)
    )
    if opened.status_code == 400 and opened.json()["error"]["code"] == "sandbox_only":
        return new_id("dp"), new_id("file")
    assert paid.status_code == 200, paid.text
    dispute = created(opened)
    uploaded = created(
        gateway.post(
            f"/api/v1/disputes/{dispute['id']}/files",
            json={
                "purpose": "receipt",
                "filename": "matrix.pdf",
                "contentType": "application/pdf",
                "contentBase64": "JVBERi0xLjQK",
            },
            headers=with_key(headers),
        )
    )
    return str(dispute["id"]), str(uploaded["id"])


def _personal_wallet(gateway: httpx.Client, person: Session, mode: str) -> str:
    """A person's own wallet (no merchant's): where the victim's transfers go, so that none of
    the callers is party to them."""
    opened = gateway.post(
        "/api/v1/wallets", json={"currency": "INR"}, headers=with_key(person.headers(mode=mode))
    )
    assert opened.status_code in (200, 201), opened.text
    return str(opened.json()["id"])


@pytest.fixture(scope="session")
def victim(gateway: httpx.Client, mailpit_url: str) -> Iterator[Victim]:
    owner = sign_up(gateway, mailpit_url)
    merchant = create_merchant(gateway, owner)
    admin = _admin(gateway, mailpit_url)
    verified = gateway.post(
        f"/api/v1/admin/merchants/{merchant.merchant_id}/verify", headers=admin.headers()
    )
    assert verified.status_code == 200, verified.text
    stranger = sign_up(gateway, mailpit_url, email=unique_email("stranger"))
    stranger_merchant = create_merchant(gateway, stranger)
    stranger_key = str(create_key(gateway, stranger_merchant)["secret"])
    secret_key = str(create_key(gateway, merchant)["secret"])
    live_key = str(create_key(gateway, merchant, mode="live")["secret"])
    receiver = Receiver()
    with receiving(receiver):
        yield Victim(
            owner=owner,
            developer=_member(gateway, mailpit_url, merchant, "developer"),
            viewer=_member(gateway, mailpit_url, merchant, "viewer"),
            stranger=stranger,
            merchant=merchant,
            stranger_merchant=stranger_merchant,
            secret_key=secret_key,
            publishable_key=str(create_key(gateway, merchant, type="publishable")["secret"]),
            live_key=live_key,
            stranger_key=stranger_key,
            test=_objects(
                gateway, secret_key, receiver.url, _personal_wallet(gateway, owner, "test")
            ),
            live=_objects(
                gateway, live_key, LIVE_WEBHOOK_URL, _personal_wallet(gateway, owner, "live")
            ),
            receiver=receiver,
        )


def call(client: httpx.Client, method: str, path: str, **options: Any) -> httpx.Response:
    """The request, sent again when the caller is told to come back later (Retry-After)."""
    for _ in range(10):
        response = client.request(method, path, **options)
        if response.status_code != 429:
            return response
        time.sleep(float(response.headers.get("Retry-After", "1")))
    return response
