"""The payments service in-process on its own database, called as the gateway would; and with
the wallet service beside it (`mesh`), for what moves money between wallets."""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pymongo
import pytest

from devstack.profile import Profile
from services.payments.app import create_app
from services.payments.settings import PaymentsSettings
from services.wallet.app import create_app as create_wallet_app
from services.wallet.settings import WalletSettings
from shared.identity import Caller, service_caller
from shared.ids import new_id
from tests.callers import secret_key
from tests.servers import on_own_database
from tests.signing import ANONYMOUS, AsGateway, SignedClient

PUBLIC_URL = "https://pay.expe.test"


@dataclass
class Api(SignedClient):
    """Calls the payments service as one caller."""

    client_secret: str | None = None

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if self.client_secret is not None:
            kwargs["headers"] = {
                "Expe-Client-Secret": self.client_secret,
                **kwargs.get("headers", {}),
            }
        return super().request(method, path, **kwargs)

    def opening(self, payment: dict[str, Any], caller: Caller = ANONYMOUS) -> Api:
        """The customer's browser on the hosted checkout: the payment's client secret opens it."""
        return dataclasses.replace(self, caller=caller, client_secret=payment["clientSecret"])

    def create(self, **fields: Any) -> dict[str, Any]:
        body = {"amount": 10_000, "currency": "INR", "orderId": f"ord_{secrets.token_hex(4)}"}
        response = self.post("/api/v1/payments", {**body, **fields})
        assert response.status_code == 201, response.text
        return dict(response.json())

    def confirm_card(self, payment_id: str, number: str = "4242424242424242", **card: Any):  # type: ignore[no-untyped-def]
        body = {
            "method": "card",
            "card": {"number": number, "expMonth": 12, "expYear": 2099, "cvc": "123", **card},
        }
        return self.post(f"/api/v1/checkout/payments/{payment_id}/confirm", body)

    def paid(self, **fields: Any) -> dict[str, Any]:
        payment = self.create(**fields)
        confirmed = self.confirm_card(payment["id"])
        assert confirmed.status_code == 200, confirmed.text
        return dict(confirmed.json())


@dataclass
class Service:
    url: str
    db: pymongo.database.Database  # type: ignore[type-arg]
    merchant_id: str

    def api(self, caller: Caller | None = None) -> Api:
        return Api(self.url, caller or secret_key(self.merchant_id))


@contextmanager
def running(profile: Profile, **overrides: Any) -> Iterator[Service]:
    """The payments service on a fresh database of its own, dropped afterwards."""
    options = {"public_url": PUBLIC_URL, **overrides}
    with on_own_database(profile, create_app, PaymentsSettings, "payments", **options) as served:
        yield Service(served.url, served.db, new_id("mer"))


@pytest.fixture
def payments(profile: Profile) -> Iterator[Service]:
    with running(profile) as service:
        yield service


def error_code(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


PAYMENTS = service_caller("payments")


def customer() -> Caller:
    uid = f"usr_{secrets.token_hex(6)}"
    return Caller(kind="user", user_id=uid, email=f"{uid}@example.com", mode="test")


@dataclass
class Mesh:
    payments: Service
    wallet_url: str
    mongo_url: str

    def wallet(self, caller: Caller) -> httpx.Client:
        return httpx.Client(base_url=self.wallet_url, auth=AsGateway(caller), timeout=60)

    def funded_wallet(self, caller: Caller, amount: int, currency: str = "INR") -> str:
        with self.wallet(caller) as client:
            opened = client.post("/api/v1/wallets", json={"currency": currency})
            assert opened.status_code in (200, 201), opened.text
            wallet_id = str(opened.json()["id"])
            if amount:
                topup = client.post(
                    "/api/v1/topups",
                    json={"walletId": wallet_id, "amount": amount, "source": {"type": "bank"}},
                    headers={"Idempotency-Key": secrets.token_hex(8)},
                )
                assert topup.status_code == 201, topup.text
        return wallet_id

    def balance(self, caller: Caller, wallet_id: str) -> dict[str, int]:
        with self.wallet(caller) as client:
            body = client.get(f"/api/v1/wallets/{wallet_id}").json()
        return {key: int(body[key]) for key in ("available", "held")}

    def merchant_balance(self, currency: str = "INR") -> int:
        """What the merchant's wallet holds (0 before its first wallet payment opens it)."""
        with self.wallet(secret_key(self.payments.merchant_id)) as client:
            wallets = client.get("/api/v1/wallets").json()["data"]
        return sum(int(w["available"]) for w in wallets if w["currency"] == currency)

    def confirm(self, payer: Caller, payment: dict[str, Any], wallet_id: str) -> httpx.Response:
        """The customer, logged in, pays on the checkout that the payment's link opened."""
        return (
            self.payments.api()
            .opening(payment, payer)
            .post(
                f"/api/v1/checkout/payments/{payment['id']}/confirm",
                {"method": "wallet", "walletId": wallet_id},
            )
        )

    def invariants(self) -> dict[str, Any]:
        with self.wallet(PAYMENTS) as client:
            response = client.get("/internal/v1/ledger/invariants")
        assert response.status_code == 200, response.text
        return dict(response.json())


@pytest.fixture
def mesh(serve: Callable[..., Any], profile: Profile) -> Iterator[Mesh]:
    with serve(create_wallet_app, WalletSettings, sweep_after_seconds=3600.0) as wallet_url:
        with running(profile, services={"wallet": wallet_url}) as payments:
            mesh = Mesh(payments, wallet_url, profile.mongo_url)
            yield mesh
            report = mesh.invariants()
            assert report["problems"] == [], report
            assert report["ok"] is True and report["total"] == 0, report
