"""Saved cards on the payments service: saved by the merchant without their number, charged by
another service of the mesh (a subscription's renewal) once per reference, however many calls
race or come again after a crash."""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from shared.identity import service_caller
from shared.ids import new_id
from tests.callers import member, secret_key
from tests.services.payments.conftest import Api, Service, error_code
from tests.signing import GATEWAY

pytestmark = pytest.mark.infra

SUBSCRIPTIONS = service_caller("subscriptions")
CARD = {"number": "4242 4242 4242 4242", "expMonth": 12, "expYear": 2099, "cvc": "123"}


def save_card(api: Api, number: str = CARD["number"], **fields: Any) -> dict[str, Any]:
    response = api.post("/api/v1/payment-methods", {"card": {**CARD, "number": number}, **fields})
    assert response.status_code == 201, response.text
    return dict(response.json())


def charge(
    payments: Service, method_id: str, reference: str | None = None, **fields: Any
) -> httpx.Response:
    """Subscriptions charging the saved card, as its renewal does."""
    body = {
        "merchantId": payments.merchant_id,
        "mode": "test",
        "amount": 49_900,
        "currency": "INR",
        "orderId": "in_renewal_1",
        "description": "Yoga, monthly",
        "reference": f"in_{secrets.token_hex(6)}:1" if reference is None else reference,
        **fields,
    }
    caller = payments.api(SUBSCRIPTIONS)
    return caller.post(f"/internal/v1/payment-methods/{method_id}/charges", body)


def charged(payments: Service, method_id: str, **fields: Any) -> dict[str, Any]:
    response = charge(payments, method_id, **fields)
    assert response.status_code == 200, response.text
    return dict(response.json())


def topics(payments: Service, payment_id: str) -> list[str]:
    found = payments.db["outbox"].find({"envelope.data.paymentId": payment_id})
    return sorted(doc["topic"] for doc in found)


def last_month() -> tuple[int, int]:
    now = datetime.now(UTC)
    return (12, now.year - 1) if now.month == 1 else (now.month - 1, now.year)


def test_a_saved_card_keeps_no_number_and_shows_brand_last4_and_country(
    payments: Service,
) -> None:
    api = payments.api()
    saved = save_card(api, "4000 0035 6000 0008", customer={"email": "asha@example.com"})
    assert saved["id"].startswith("pm_")
    assert (saved["type"], saved["mode"], saved["customer"]) == (
        "card",
        "test",
        {"email": "asha@example.com"},
    )
    card = saved["card"]
    assert (card["brand"], card["last4"], card["country"]) == ("visa", "0008", "IN")
    assert (card["expMonth"], card["expYear"]) == (12, 2099) and len(card["fingerprint"]) == 64
    assert set(saved) == {"id", "type", "card", "customer", "mode", "createdAt"}
    stored = payments.db["payment_methods"].find_one({"_id": saved["id"]})
    assert stored is not None
    assert "4000003560000008" not in repr(stored) and "cvc" not in repr(stored)
    assert set(stored["card"]) == set(card)
    assert stored["sandboxDecline"] is None and stored["merchantId"] == payments.merchant_id
    assert stored["customer"]["email"].startswith("aesgcm2:")
    fetched = api.get(f"/api/v1/payment-methods/{saved['id']}")
    assert fetched.status_code == 200 and fetched.json() == saved


def test_a_card_saved_twice_with_one_idempotency_key_is_saved_once(payments: Service) -> None:
    api = payments.api()
    headers = {"Idempotency-Key": secrets.token_hex(8)}
    body = {"card": CARD}
    first = api.post("/api/v1/payment-methods", body, headers=headers)
    again = api.post("/api/v1/payment-methods", body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert payments.db["payment_methods"].count_documents({}) == 1


@pytest.mark.parametrize(
    ("card", "answer"),
    [
        ({"number": "4242 4242 4242 4241"}, (400, "card_number_invalid", "card.number")),
        ({"expMonth": 1, "expYear": 2020}, (402, "expired_card", "card.expYear")),
        (
            dict(zip(("expMonth", "expYear"), last_month(), strict=True)),
            (402, "expired_card", "card.expYear"),
        ),
        ({"number": "4242"}, (400, "parameter_invalid", "card.number")),
        ({"cvc": "12"}, (400, "parameter_invalid", "card.cvc")),
        ({"expMonth": 13}, (400, "parameter_invalid", "card.expMonth")),
    ],
)
def test_a_card_that_cannot_be_charged_is_refused_clearly_and_nothing_is_stored(
    payments: Service, card: dict[str, Any], answer: tuple[int, str, str]
) -> None:
    response = payments.api().post("/api/v1/payment-methods", {"card": {**CARD, **card}})
    status, code, param = answer
    assert error_code(response) == (status, code), response.text
    assert response.json()["error"]["param"] == param
    assert payments.db["payment_methods"].count_documents({}) == 0


def test_a_card_expiring_this_month_is_still_saved(payments: Service) -> None:
    now = datetime.now(UTC)
    response = payments.api().post(
        "/api/v1/payment-methods",
        {"card": {**CARD, "expMonth": now.month, "expYear": now.year}},
    )
    assert response.status_code == 201, response.text


def test_unknown_fields_and_viewers_are_refused(payments: Service) -> None:
    api = payments.api()
    unknown = api.post("/api/v1/payment-methods", {"card": CARD, "colour": "red"})
    assert error_code(unknown)[0] == 400 and unknown.json()["error"]["param"] == "colour"
    viewer = api.as_(member(payments.merchant_id, "viewer"))
    assert error_code(viewer.post("/api/v1/payment-methods", {"card": CARD}))[0] == 403
    assert payments.db["payment_methods"].count_documents({}) == 0
    saved = save_card(api.as_(member(payments.merchant_id, "developer")))
    assert viewer.get(f"/api/v1/payment-methods/{saved['id']}").status_code == 200


def test_another_merchant_or_mode_neither_reads_nor_charges_the_card(payments: Service) -> None:
    saved = save_card(payments.api())
    path = f"/api/v1/payment-methods/{saved['id']}"
    stranger = payments.api(secret_key(new_id("mer")))
    live = payments.api(secret_key(payments.merchant_id, "live"))
    for caller in (stranger, live):
        assert error_code(caller.get(path)) == (404, "payment_method_not_found")
    assert error_code(payments.api().get("/api/v1/payment-methods/pm_nothing")) == (
        404,
        "payment_method_not_found",
    )
    assert error_code(charge(payments, saved["id"], merchantId=new_id("mer"))) == (
        404,
        "payment_method_not_found",
    )
    assert error_code(charge(payments, saved["id"], mode="live")) == (
        404,
        "payment_method_not_found",
    )
    assert payments.db["payments"].count_documents({}) == 0


def test_a_charge_of_a_saved_card_is_a_card_payment_with_its_events(payments: Service) -> None:
    api = payments.api()
    saved = save_card(api, customer={"email": "asha@example.com"})
    payment = charged(payments, saved["id"])
    assert (payment["status"], payment["method"], payment["paymentMethodId"]) == (
        "succeeded",
        "card",
        saved["id"],
    )
    assert (payment["amount"], payment["currency"], payment["orderId"]) == (
        49_900,
        "INR",
        "in_renewal_1",
    )
    assert payment["card"] == saved["card"] and payment["allowedMethods"] == ["card"]
    assert payment["customer"] == {"email": "asha@example.com"}
    assert payment["failureCode"] is None
    # The merchant sees it as any payment: the same body, its timeline, its events.
    assert api.get(f"/api/v1/payments/{payment['id']}").json() == payment
    history = api.get(f"/api/v1/payments/{payment['id']}/history").json()["data"]
    assert [(step["to"], step["cause"]) for step in history] == [
        ("created", "payment_created"),
        ("processing", "charge:payment_method"),
        ("succeeded", "card_approved"),
    ]
    assert history[1]["actor"] == {"type": "service", "id": "subscriptions"}
    assert topics(payments, payment["id"]) == ["payment.completed", "payment.created"]


def test_a_declined_card_charges_as_failed_with_its_decline_code(payments: Service) -> None:
    saved = save_card(payments.api(), "4000000000000002")
    payment = charged(payments, saved["id"])
    assert (payment["status"], payment["failureCode"]) == ("failed", "card_declined")
    assert payment["failureMessage"] == "The card was declined."
    assert payment["card"]["last4"] == "0002"
    assert topics(payments, payment["id"]) == ["payment.created", "payment.failed"]
    failed = payments.db["outbox"].find_one({"topic": "payment.failed"})
    assert failed is not None and failed["envelope"]["data"]["failureCode"] == "card_declined"


def test_a_card_expired_since_it_was_saved_charges_as_expired_card(payments: Service) -> None:
    saved = save_card(payments.api())
    month, year = last_month()
    payments.db["payment_methods"].update_one(
        {"_id": saved["id"]}, {"$set": {"card.expMonth": month, "card.expYear": year}}
    )
    payment = charged(payments, saved["id"])
    assert (payment["status"], payment["failureCode"]) == ("failed", "expired_card")


def test_the_same_reference_is_one_payment_charged_once(payments: Service) -> None:
    saved = save_card(payments.api())
    first = charged(payments, saved["id"], reference="in_1:1")
    again = charged(payments, saved["id"], reference="in_1:1")
    assert again == first and first["status"] == "succeeded"
    other = charged(payments, saved["id"], reference="in_1:2")
    assert other["id"] != first["id"]
    assert topics(payments, first["id"]) == ["payment.completed", "payment.created"]
    assert payments.db["payment_transitions"].count_documents({"paymentId": first["id"]}) == 3
    # The same reference for another amount is a mistake of the caller's: refused.
    reused = charge(payments, saved["id"], reference="in_1:1", amount=100)
    assert error_code(reused) == (409, "charge_reference_reused")
    assert payments.db["payments"].count_documents({}) == 2


def test_ten_calls_racing_with_one_reference_charge_once(payments: Service) -> None:
    saved = save_card(payments.api())
    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(lambda _: charge(payments, saved["id"], "in_race:1"), range(10)))
    assert [answer.status_code for answer in answers] == [200] * 10, [a.text for a in answers]
    assert {answer.json()["id"] for answer in answers} == {answers[0].json()["id"]}
    # Every caller waited for the one charge and answers its outcome.
    assert {answer.json()["status"] for answer in answers} == {"succeeded"}
    payment_id = answers[0].json()["id"]
    assert payments.db["payments"].count_documents({}) == 1
    assert payments.db["payment_transitions"].count_documents({"paymentId": payment_id}) == 3
    assert topics(payments, payment_id) == ["payment.completed", "payment.created"]


def rewind(payments: Service, payment_id: str, status: str) -> None:
    """Leaves the payment as a call cut off in `status` would have: its later steps unmade."""
    later = {"created": ["created", "processing"], "processing": ["processing"]}[status]
    payments.db["payment_transitions"].delete_many(
        {"_id": {"$in": [f"{payment_id}:{state}" for state in later]}}
    )
    payments.db["outbox"].delete_many(
        {"envelope.data.paymentId": payment_id, "topic": {"$ne": "payment.created"}}
    )
    undone: dict[str, Any] = {"status": status, "failureCode": None, "failureMessage": None}
    if status == "created":
        undone |= {"method": None, "card": None}
    payments.db["payments"].update_one({"_id": payment_id}, {"$set": undone})


@pytest.mark.parametrize("left", ["created", "processing"])
def test_a_charge_cut_off_part_way_is_finished_by_its_reference(
    payments: Service, left: str
) -> None:
    saved = save_card(payments.api(), "4000000000009995")
    first = charged(payments, saved["id"], reference="in_crash:1")
    rewind(payments, first["id"], left)
    assert payments.api().get(f"/api/v1/payments/{first['id']}").json()["status"] == left
    again = charged(payments, saved["id"], reference="in_crash:1")
    assert (again["id"], again["status"], again["failureCode"]) == (
        first["id"],
        "failed",
        "insufficient_funds",
    )
    assert topics(payments, first["id"]) == ["payment.created", "payment.failed"]


def test_only_services_of_the_mesh_may_charge_a_card(payments: Service) -> None:
    api = payments.api()
    saved = save_card(api)
    path = f"/internal/v1/payment-methods/{saved['id']}/charges"
    body = {
        "merchantId": payments.merchant_id,
        "mode": "test",
        "amount": 100,
        "currency": "INR",
        "orderId": "o-1",
        "reference": "r-1",
    }
    for caller in (api, api.as_(member(payments.merchant_id, "owner")), api.as_(GATEWAY)):
        assert error_code(caller.post(path, body)) == (403, "permission_denied")
    unsigned = httpx.post(f"{payments.url}{path}", json=body)
    assert unsigned.status_code == 401
    assert payments.db["payments"].count_documents({}) == 0


@pytest.mark.parametrize(
    ("change", "param"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": 1.5}, "amount"),
        ({"currency": "RUPEES"}, "currency"),
        ({"reference": "r" * 201}, "reference"),
        ({"reference": ""}, "reference"),
        ({"mode": "sandbox"}, "mode"),
        ({"extra": 1}, "extra"),
    ],
)
def test_a_bad_charge_is_refused_and_charges_nothing(
    payments: Service, change: dict[str, Any], param: str
) -> None:
    saved = save_card(payments.api())
    response = charge(payments, saved["id"], **change)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["param"] == param
    assert payments.db["payments"].count_documents({}) == 0


def test_a_service_reads_whose_saved_card_an_id_names(payments: Service) -> None:
    saved = save_card(payments.api())
    path = f"/internal/v1/payment-methods/{saved['id']}"
    owned = payments.api(SUBSCRIPTIONS).get(path)
    assert owned.status_code == 200
    assert owned.json() == {**saved, "merchantId": payments.merchant_id}
    assert error_code(payments.api().get(path)) == (403, "permission_denied")
    missing = payments.api(SUBSCRIPTIONS).get("/internal/v1/payment-methods/pm_nothing")
    assert error_code(missing) == (404, "payment_method_not_found")
