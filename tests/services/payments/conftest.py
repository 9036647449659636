"""The payments service in-process on its own database, called as the gateway would."""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pymongo
import pytest

from devstack.profile import Profile
from services.payments.app import create_app
from services.payments.settings import PaymentsSettings
from shared.identity import Caller
from shared.ids import new_id
from tests.callers import secret_key
from tests.servers import on_own_database
from tests.signing import ANONYMOUS, SignedClient

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
