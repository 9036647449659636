"""The subscriptions service in-process beside a real payments service, each on its own
database, called as the gateway would."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pymongo
import pytest

from devstack.profile import Profile
from services.subscriptions.app import create_app
from services.subscriptions.settings import ServiceUrls, SubscriptionsSettings
from shared.clock import instant_text
from shared.ids import new_id
from tests.callers import secret_key
from tests.servers import on_own_database
from tests.services.payments.conftest import running as running_payments
from tests.signing import SignedClient

SUCCEEDS = "4242424242424242"
DECLINES = "4000000000000002"


@dataclass
class Api(SignedClient):
    """Calls the subscriptions (and, for saved cards, the payments) service as one merchant."""

    payments_url: str = ""

    def created(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.post(path, body, headers={"Idempotency-Key": secrets.token_hex(8)})
        assert response.status_code == 201, response.text
        return dict(response.json())

    def plan(self, **fields: Any) -> dict[str, Any]:
        body = {"name": "Pro", "amount": 49_900, "currency": "INR", "interval": "month"}
        return self.created("/api/v1/plans", {**body, **fields})

    def card(self, number: str = SUCCEEDS) -> str:
        payments = SignedClient(self.payments_url, self.caller)
        card = {"number": number, "expMonth": 12, "expYear": 2099, "cvc": "123"}
        response = payments.post("/api/v1/payment-methods", {"card": card})
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def subscribe(
        self, plan: dict[str, Any], *, card: str | None = None, clock: datetime | None = None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "planId": plan["id"],
            "customer": {"email": "ana@example.com"},
            "paymentMethodId": card or self.card(),
        }
        if clock is not None:
            body["testClock"] = {"frozenTime": instant_text(clock)}
        return self.created("/api/v1/subscriptions", body)

    def advance(self, subscription: dict[str, Any], to: datetime) -> dict[str, Any]:
        path = f"/api/v1/subscriptions/{subscription['id']}/test-clock/advance"
        response = self.post(path, {"frozenTime": instant_text(to)})
        assert response.status_code == 200, response.text
        return dict(response.json())

    def act(self, subscription: dict[str, Any], action: str, body: Any = None) -> Any:
        return self.post(f"/api/v1/subscriptions/{subscription['id']}/{action}", body or {})

    def invoices(self, subscription: dict[str, Any]) -> list[dict[str, Any]]:
        response = self.get(f"/api/v1/subscriptions/{subscription['id']}/invoices?limit=100")
        assert response.status_code == 200, response.text
        return list(reversed(response.json()["data"]))  # oldest first


@dataclass
class Mesh:
    url: str
    payments_url: str
    db: pymongo.database.Database  # type: ignore[type-arg]
    payments_db: pymongo.database.Database  # type: ignore[type-arg]
    merchant_id: str

    def api(self, merchant_id: str | None = None) -> Api:
        caller = secret_key(merchant_id or self.merchant_id)
        return Api(self.url, caller, payments_url=self.payments_url)

    def charges(self, subscription: dict[str, Any]) -> list[dict[str, Any]]:
        """The payments made for the subscription's invoices, oldest first."""
        invoices = [
            doc["_id"] for doc in self.db.invoices.find({"subscriptionId": subscription["id"]})
        ]
        found = self.payments_db.payments.find({"orderId": {"$in": invoices}})
        return sorted(found, key=lambda payment: payment["createdAt"])


@contextmanager
def subscriptions_beside(profile: Profile, payments_url: str, **overrides: Any) -> Iterator[Any]:
    """One more subscriptions service (a replica) calling `payments_url`."""
    options = {"services": ServiceUrls(payments=payments_url), **overrides}
    with on_own_database(
        profile, create_app, SubscriptionsSettings, "subscriptions", **options
    ) as served:
        yield served


@contextmanager
def mesh(profile: Profile, **overrides: Any) -> Iterator[Mesh]:
    with (
        running_payments(profile) as payments,
        subscriptions_beside(profile, payments.url, **overrides) as served,
    ):
        yield Mesh(served.url, payments.url, served.db, payments.db, new_id("mer"))


@pytest.fixture
def service(profile: Profile) -> Iterator[Mesh]:
    with mesh(profile) as running:
        yield running
