"""Customers' personal data is sealed at rest, and a key rotation moves it onto the new key.

The story an operator lives through, on one database read raw: payments sealed under k1; k2
added as the current key (the service restarted), old payments still read and new ones sealed
under k2; the re-seal command run while payments keep being created; every stored value under k2;
k1 dropped, and everything still opens.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from devstack.profile import Profile
from services.payments.app import create_app
from services.payments.settings import PaymentsSettings
from shared.ids import new_id
from tests.callers import secret_key
from tests.sealing import K1, K2, reseal, service_database
from tests.servers import Served, on_database
from tests.services.payments.conftest import PUBLIC_URL, Api

EMAIL = "asha.rao@example.com"


def sealed_values(served: Served[PaymentsSettings]) -> list[str]:
    """Every sealed value the payments database holds, as stored."""
    values = [
        doc["customer"]["email"]
        for doc in served.db["payments"].find({"customer.email": {"$exists": True}})
    ]
    for claim in served.db["idempotency_keys"].find():
        values += [claim[field] for field in ("sealedBody", "sealedRequest") if field in claim]
    return values


def create(api: Api, email: str, key: str | None = None, order_id: str | None = None) -> Any:
    body = {"amount": 10_000, "currency": "INR", "orderId": order_id or secrets.token_hex(4)}
    headers = {"Idempotency-Key": key} if key else {}
    response = api.post("/api/v1/payments", {**body, "customer": {"email": email}}, headers=headers)
    assert response.status_code == 201, response.text
    return response


@pytest.fixture
def prefix(profile: Profile) -> Iterator[str]:
    with service_database(profile, "payments") as name:
        yield name


def test_a_rotation_moves_every_sealed_value_onto_the_new_key(profile: Profile, prefix: str):
    caller = secret_key(new_id("mer"))
    idempotency_key = secrets.token_hex(8)

    def serve(keys: str):  # type: ignore[no-untyped-def]
        options = {"public_url": PUBLIC_URL, "sealing_keys": keys}
        return on_database(profile, prefix, create_app, PaymentsSettings, "payments", **options)

    with serve(K1) as served:
        api = Api(served.url, caller)
        first = create(api, EMAIL, idempotency_key, "ord_first").json()
        stored = served.db["payments"].find_one({"_id": first["id"]})
        assert stored is not None
        assert stored["customer"]["email"].startswith("aesgcm2:k1:")
        assert EMAIL not in repr(stored)
        assert all(value.startswith("aesgcm2:k1:") for value in sealed_values(served))
        assert api.get(f"/api/v1/payments/{first['id']}").json()["customer"] == {"email": EMAIL}

    with serve(f"{K2},{K1}") as served:
        api = Api(served.url, caller)
        assert api.get(f"/api/v1/payments/{first['id']}").json()["customer"] == {"email": EMAIL}
        second = create(api, "second@example.com").json()
        stored = served.db["payments"].find_one({"_id": second["id"]})
        assert stored is not None and stored["customer"]["email"].startswith("aesgcm2:k2:")

        # The service keeps taking payments while the job runs.
        made: list[str] = []
        writer = threading.Thread(
            target=lambda: made.extend(
                create(api, f"buyer{n}@example.com").json()["id"] for n in range(20)
            )
        )
        writer.start()
        printed = reseal(profile, "payments", prefix, f"{K2},{K1}")
        writer.join()
        assert "payments customer.email:" in printed and "→ k2" in printed
        assert "idempotency_keys sealedBody: 1 seen, 1 resealed" in printed
        values = sealed_values(served)
        assert len(values) == 2 + 2 + len(made)  # a claim seals its request and its response
        assert all(value.startswith("aesgcm2:k2:") for value in values)

        again = reseal(profile, "payments", prefix, f"{K2},{K1}")
        assert " 0 resealed" in again and " 1 resealed" not in again

    with serve(K2) as served:  # k1 dropped
        api = Api(served.url, caller)
        assert api.get(f"/api/v1/payments/{first['id']}").json()["customer"] == {"email": EMAIL}
        listed = api.get("/api/v1/payments", params={"limit": 100}).json()["data"]
        assert {p["customer"]["email"] for p in listed} >= {EMAIL, "second@example.com"}
        replay = create(api, EMAIL, idempotency_key, "ord_first")
        assert replay.headers["Idempotent-Replayed"] == "true"
        assert replay.json()["id"] == first["id"]


def test_a_rotation_moves_saved_cards_customers_onto_the_new_key(profile: Profile, prefix: str):
    caller = secret_key(new_id("mer"))

    def serve(keys: str):  # type: ignore[no-untyped-def]
        options = {"public_url": PUBLIC_URL, "sealing_keys": keys}
        return on_database(profile, prefix, create_app, PaymentsSettings, "payments", **options)

    card = {"number": "4242424242424242", "expMonth": 12, "expYear": 2099, "cvc": "123"}
    with serve(K1) as served:
        saved = Api(served.url, caller).post(
            "/api/v1/payment-methods", {"card": card, "customer": {"email": EMAIL}}
        )
        assert saved.status_code == 201, saved.text
        method_id = saved.json()["id"]
        stored = served.db["payment_methods"].find_one({"_id": method_id})
        assert stored is not None and stored["customer"]["email"].startswith("aesgcm2:k1:")

    with serve(f"{K2},{K1}") as served:
        printed = reseal(profile, "payments", prefix, f"{K2},{K1}")
        assert "payment_methods customer.email: 1 seen, 1 resealed" in printed
        stored = served.db["payment_methods"].find_one({"_id": method_id})
        assert stored is not None and stored["customer"]["email"].startswith("aesgcm2:k2:")

    with serve(K2) as served:  # k1 dropped: the card still opens
        shown = Api(served.url, caller).get(f"/api/v1/payment-methods/{method_id}")
        assert shown.status_code == 200, shown.text
        assert shown.json()["customer"] == {"email": EMAIL}
