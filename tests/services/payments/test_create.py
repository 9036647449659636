"""Creating payments: the body, validation, idempotency, and the payment.created event."""

from __future__ import annotations

import asyncio
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from services.analytics.events import PaymentCreatedData
from tests.callers import member, publishable_key
from tests.services.payments.conftest import PUBLIC_URL, Service, error_code
from tests.signing import AsGateway

pytestmark = pytest.mark.infra


def test_a_created_payment_has_its_checkout_url_and_upi_qr(payments: Service) -> None:
    api = payments.api()
    payment = api.create(
        amount=12_345,
        currency="inr",
        orderId="order-42",
        description="Two chai",
        customer={"email": "buyer@example.com"},
        metadata={"cart": "c_1"},
        allowedMethods=["card", "upi_qr"],
    )
    fetched = api.get(f"/api/v1/payments/{payment['id']}")
    assert payment["id"].startswith("pay_")
    assert (payment["status"], payment["amount"], payment["currency"]) == ("created", 12_345, "INR")
    assert (payment["orderId"], payment["mode"], payment["merchantId"]) == (
        "order-42",
        "test",
        payments.merchant_id,
    )
    # The link carries the client secret in its fragment, which browsers never send on.
    assert payment["clientSecret"].startswith(f"{payment['id']}_secret_")
    assert (
        payment["checkoutUrl"] == f"{PUBLIC_URL}/checkout/{payment['id']}#{payment['clientSecret']}"
    )
    qr = urlsplit(payment["qrPayload"])
    assert (qr.scheme, qr.netloc) == ("upi", "pay")
    query = parse_qs(qr.query)
    assert (query["am"], query["cu"], query["tr"]) == (["123.45"], ["INR"], [payment["id"]])
    assert payment["allowedMethods"] == ["card", "upi_qr"]
    assert payment["metadata"] == {"cart": "c_1"}
    assert fetched.status_code == 200 and fetched.json() == payment


def test_the_created_event_lands_in_the_outbox_once(payments: Service) -> None:
    api = payments.api()
    key = secrets.token_hex(8)
    body = {"amount": 500, "currency": "INR", "orderId": "o-1"}
    first = api.post("/api/v1/payments", body, headers={"Idempotency-Key": key})
    again = api.post("/api/v1/payments", body, headers={"Idempotency-Key": key})
    payment_id = first.json()["id"]
    events = list(payments.db["outbox"].find({"envelope.data.paymentId": payment_id}))
    assert again.json()["id"] == payment_id
    assert [e["topic"] for e in events] == ["payment.created"]
    envelope = events[0]["envelope"]
    assert events[0]["key"] == payments.merchant_id
    assert envelope["merchantId"] == payments.merchant_id
    assert {k: envelope["data"][k] for k in ("paymentId", "amount", "currency", "mode")} == {
        "paymentId": payment_id,
        "amount": 500,
        "currency": "INR",
        "mode": "test",
    }
    # What analytics reads from it (its own model of the event's data).
    facts = PaymentCreatedData.model_validate(envelope["data"])
    assert facts.created_at == datetime.fromisoformat(first.json()["createdAt"])


def test_the_same_key_replays_and_another_body_is_refused(payments: Service) -> None:
    api = payments.api()
    key = secrets.token_hex(8)
    body = {"amount": 700, "currency": "INR", "orderId": "o-2"}
    first = api.post("/api/v1/payments", body, headers={"Idempotency-Key": key})
    replay = api.post("/api/v1/payments", body, headers={"Idempotency-Key": key})
    other = api.post("/api/v1/payments", {**body, "amount": 701}, headers={"Idempotency-Key": key})
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json() and replay.headers["Idempotent-Replayed"] == "true"
    assert error_code(other) == (409, "idempotency_key_reused")
    assert payments.db["payments"].count_documents({}) == 1


@pytest.mark.parametrize(
    ("change", "param"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": -5}, "amount"),
        ({"amount": 10.5}, "amount"),
        ({"amount": "100"}, "amount"),
        ({"amount": True}, "amount"),
        ({"amount": 10**16}, "amount"),
        ({"currency": "XYZ"}, "currency"),
        ({"orderId": ""}, "orderId"),
        ({"metadata": {f"k{i}": "v" for i in range(21)}}, "metadata"),
        ({"metadata": {"k": "v" * 501}}, "metadata"),
        ({"metadata": {f"k{i}": "v" * 450 for i in range(19)}}, "metadata"),
        ({"metadata": {"a.b": "v"}}, "metadata.a.b"),
        ({"allowedMethods": ["cash"]}, "allowedMethods.0"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_bad_input_is_refused_and_creates_nothing(
    payments: Service, change: dict[str, Any], param: str
) -> None:
    body = {"amount": 100, "currency": "INR", "orderId": "o-3", **change}
    response = payments.api().post("/api/v1/payments", body)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["param"].startswith(param.split(".")[0])
    assert payments.db["payments"].count_documents({}) == 0
    assert payments.db["outbox"].count_documents({}) == 0


@pytest.mark.parametrize(
    "expires_at",
    [
        datetime.now(UTC) - timedelta(minutes=1),
        datetime.now(UTC) + timedelta(days=8),
    ],
)
def test_expiry_must_be_in_the_coming_week(payments: Service, expires_at: datetime) -> None:
    body = {"amount": 100, "currency": "INR", "orderId": "o", "expiresAt": expires_at.isoformat()}
    response = payments.api().post("/api/v1/payments", body)
    assert error_code(response) == (400, "invalid_request")
    assert response.json()["error"]["param"] == "expiresAt"
    assert payments.db["payments"].count_documents({}) == 0


def test_malformed_json_is_refused(payments: Service) -> None:
    response = payments.api().request(
        "POST",
        "/api/v1/payments",
        content=b'{"amount": 1',
        headers={"content-type": "application/json"},
    )
    assert error_code(response) == (400, "invalid_json")
    assert payments.db["payments"].count_documents({}) == 0


def test_viewers_and_publishable_keys_cannot_create(payments: Service) -> None:
    api = payments.api()
    body = {"amount": 100, "currency": "INR", "orderId": "o"}
    viewer = api.as_(member(payments.merchant_id, "viewer")).post("/api/v1/payments", body)
    developer = api.as_(member(payments.merchant_id, "developer")).post("/api/v1/payments", body)
    publishable = api.as_(publishable_key(payments.merchant_id)).post("/api/v1/payments", body)
    assert error_code(viewer) == (403, "permission_denied")
    assert error_code(publishable) == (403, "permission_denied")
    assert developer.status_code == 201


async def test_a_double_submit_creates_one_payment(payments: Service) -> None:
    api = payments.api()
    key = {"Idempotency-Key": secrets.token_hex(8)}
    body = {"amount": 900, "currency": "INR", "orderId": "o-double"}
    async with httpx.AsyncClient(auth=AsGateway(api.caller), timeout=30) as client:
        responses = await asyncio.gather(
            *(
                client.post(f"{payments.url}/api/v1/payments", json=body, headers=key)
                for _ in range(10)
            )
        )
    created = {r.json()["id"] for r in responses if r.status_code == 201}
    in_flight = {error_code(r) for r in responses if r.status_code != 201}
    assert len(created) == 1
    assert in_flight <= {(409, "idempotency_key_in_use")}
    assert payments.db["payments"].count_documents({}) == 1
    assert payments.db["outbox"].count_documents({"topic": "payment.created"}) == 1
