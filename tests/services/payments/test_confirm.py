"""Confirming through the checkout: sandbox cards, UPI QR, once only, and the timeline."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
import pytest

from tests.callers import member, publishable_key, secret_key
from tests.services.conftest import INSTANT
from tests.services.payments.conftest import Service, error_code
from tests.signing import ANONYMOUS, AsGateway

pytestmark = pytest.mark.infra

DECLINES = [
    ("4000000000000002", "card_declined"),
    ("4000000000009995", "insufficient_funds"),
    ("4000000000000069", "expired_card"),
    ("4000000000000127", "incorrect_cvc"),
    ("4000000000000119", "processing_error"),
]


def test_a_good_card_pays_and_keeps_only_brand_last4_and_fingerprint(payments: Service) -> None:
    api = payments.api()
    payment = api.create(amount=2_500)
    confirmed = api.confirm_card(payment["id"], "4242 4242 4242 4242")
    stored = payments.db["payments"].find_one({"_id": payment["id"]})
    events = [e["topic"] for e in payments.db["outbox"].find().sort("order", 1)]
    body = confirmed.json()
    assert confirmed.status_code == 200, confirmed.text
    assert (body["status"], body["method"]) == ("succeeded", "card")
    assert {k: body["card"][k] for k in ("brand", "last4", "expMonth", "expYear")} == {
        "brand": "visa",
        "last4": "4242",
        "expMonth": 12,
        "expYear": 2099,
    }
    assert len(body["card"]["fingerprint"]) == 64
    assert "4242424242424242" not in str(stored) and "4242424242424242" not in confirmed.text
    assert events == ["payment.created", "payment.completed"]


def test_times_read_alike_in_answers_and_events(payments: Service) -> None:
    api = payments.api()
    payment = api.create()
    confirmed = api.confirm_card(payment["id"]).json()
    read = api.get(f"/api/v1/payments/{payment['id']}").json()
    history = api.get(f"/api/v1/payments/{payment['id']}/history").json()["data"]
    envelopes = [e["envelope"] for e in payments.db["outbox"].find().sort("order", 1)]
    # Created, answered, read back and reported: the same text, milliseconds in UTC with Z.
    assert payment["createdAt"] == confirmed["createdAt"] == read["createdAt"]
    assert {e["data"]["createdAt"] for e in envelopes} == {read["createdAt"]}
    assert envelopes[-1]["data"]["occurredAt"] == history[-1]["at"] == read["updatedAt"]
    times = [read["createdAt"], read["updatedAt"], read["expiresAt"]]
    times += [e["occurredAt"] for e in envelopes] + [e["data"]["occurredAt"] for e in envelopes]
    assert all(INSTANT.fullmatch(time) for time in times), times


def test_the_same_card_has_the_same_fingerprint(payments: Service) -> None:
    api = payments.api()
    first, second = api.paid(), api.paid()
    other = api.create()
    api.confirm_card(other["id"], "5555555555554444")
    third = api.get(f"/api/v1/payments/{other['id']}").json()
    assert first["card"]["fingerprint"] == second["card"]["fingerprint"]
    assert third["card"]["fingerprint"] != first["card"]["fingerprint"]
    assert third["card"]["brand"] == "mastercard"


@pytest.mark.parametrize(("number", "code"), DECLINES)
def test_declining_cards_fail_the_payment_with_their_code(
    payments: Service, number: str, code: str
) -> None:
    api = payments.api()
    payment = api.create()
    declined = api.confirm_card(payment["id"], number)
    after = api.get(f"/api/v1/payments/{payment['id']}").json()
    failed_events = list(payments.db["outbox"].find({"topic": "payment.failed"}))
    assert error_code(declined) == (402, code)
    assert declined.json()["error"]["type"] == "card_error"
    assert (after["status"], after["failureCode"]) == ("failed", code)
    assert [e["envelope"]["data"]["failureCode"] for e in failed_events] == [code]


def test_a_card_expired_by_its_date_is_declined(payments: Service) -> None:
    api = payments.api()
    payment = api.create()
    response = api.confirm_card(payment["id"], expMonth=1, expYear=2020)
    assert error_code(response) == (402, "expired_card")


@pytest.mark.parametrize(
    "card",
    [
        {"number": "4242424242424241"},  # Luhn fails
        {"number": "42424242"},
        {"cvc": "12"},
        {"expMonth": 13},
    ],
)
def test_a_malformed_card_is_refused_without_a_state_change(
    payments: Service, card: dict[str, Any]
) -> None:
    api = payments.api()
    payment = api.create()
    body = {
        "method": "card",
        "card": {"number": "4242424242424242", "expMonth": 12, "expYear": 2099, "cvc": "123"}
        | card,
    }
    response = api.post(f"/api/v1/checkout/payments/{payment['id']}/confirm", body)
    after = api.get(f"/api/v1/payments/{payment['id']}").json()
    assert response.status_code == 400
    assert "4242424242424241" not in response.text
    assert after["status"] == "created"


async def test_a_hundred_concurrent_confirms_charge_once(payments: Service) -> None:
    api = payments.api()
    payment = api.create()
    body = {
        "method": "card",
        "card": {"number": "4242424242424242", "expMonth": 12, "expYear": 2099, "cvc": "123"},
    }
    path = f"{payments.url}/api/v1/checkout/payments/{payment['id']}/confirm"
    limits = httpx.Limits(max_connections=100)
    # The customer's browser, with the payment's client secret.
    headers = {"Expe-Client-Secret": payment["clientSecret"]}
    async with httpx.AsyncClient(
        auth=AsGateway(ANONYMOUS), headers=headers, timeout=60, limits=limits
    ) as client:
        responses = await asyncio.gather(*(client.post(path, json=body) for _ in range(100)))
    statuses = sorted(r.status_code for r in responses)
    history = api.get(f"/api/v1/payments/{payment['id']}/history").json()["data"]
    completed = payments.db["outbox"].count_documents({"topic": "payment.completed"})
    assert statuses == [200] + [409] * 99
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {
        "payment_state_conflict"
    }
    assert [(t["from"], t["to"]) for t in history] == [
        (None, "created"),
        ("created", "processing"),
        ("processing", "succeeded"),
    ]
    assert completed == 1


def test_a_confirmed_payment_cannot_be_confirmed_again(payments: Service) -> None:
    api = payments.api()
    payment = api.paid()
    again = api.confirm_card(payment["id"])
    assert error_code(again) == (409, "payment_state_conflict")
    assert again.json()["error"]["message"] == (
        "This payment has already succeeded; it cannot be confirmed."
    )


def test_upi_qr_processes_until_the_app_reports(payments: Service) -> None:
    api = payments.api()
    paid, unpaid = api.create(), api.create()
    results = {}
    for payment, outcome in ((paid, "success"), (unpaid, "failure")):
        path = f"/api/v1/checkout/payments/{payment['id']}"
        started = api.post(f"{path}/confirm", {"method": "upi_qr"})
        assert (started.status_code, started.json()["status"]) == (200, "processing")
        results[outcome] = api.post(f"{path}/sandbox/upi-complete", {"outcome": outcome})
    again = api.post(
        f"/api/v1/checkout/payments/{paid['id']}/sandbox/upi-complete", {"outcome": "failure"}
    )
    assert results["success"].json()["status"] == "succeeded"
    assert (results["failure"].json()["status"], results["failure"].json()["failureCode"]) == (
        "failed",
        "upi_payment_failed",
    )
    assert error_code(again) == (409, "payment_state_conflict")
    assert again.json()["error"]["message"] == (
        "This payment has already succeeded; only a UPI payment being processed can be completed."
    )


def test_upi_outcomes_are_simulated_in_test_mode_only(payments: Service) -> None:
    live = payments.api(secret_key(payments.merchant_id, "live"))
    payment = live.create()
    live.post(f"/api/v1/checkout/payments/{payment['id']}/confirm", {"method": "upi_qr"})
    response = live.post(
        f"/api/v1/checkout/payments/{payment['id']}/sandbox/upi-complete", {"outcome": "success"}
    )
    assert error_code(response) == (400, "sandbox_only")


def test_methods_the_payment_does_not_allow_or_that_are_unavailable(payments: Service) -> None:
    api = payments.api()
    card_only = api.create(allowedMethods=["card"])
    anything = api.create()
    upi = api.post(f"/api/v1/checkout/payments/{card_only['id']}/confirm", {"method": "upi_qr"})
    wallet = api.post(f"/api/v1/checkout/payments/{anything['id']}/confirm", {"method": "wallet"})
    assert error_code(upi) == (400, "payment_method_not_allowed")
    assert error_code(wallet) == (400, "method_unavailable")


def test_cancel_then_confirm_is_refused_and_history_tells_it(payments: Service) -> None:
    api = payments.api()
    payment = api.create()
    canceled = api.post(f"/api/v1/payments/{payment['id']}/cancel", {"reason": "out of stock"})
    confirm = api.confirm_card(payment["id"])
    cancel_again = api.post(f"/api/v1/payments/{payment['id']}/cancel")
    history = api.get(f"/api/v1/payments/{payment['id']}/history").json()["data"]
    topics = [e["topic"] for e in payments.db["outbox"].find().sort("order", 1)]
    assert canceled.json()["status"] == "canceled"
    assert error_code(confirm) == (409, "payment_state_conflict")
    assert error_code(cancel_again) == (409, "payment_state_conflict")
    assert confirm.json()["error"]["message"] == (
        "This payment has been canceled; it cannot be confirmed."
    )
    assert cancel_again.json()["error"]["message"] == (
        "This payment has been canceled; it cannot be canceled."
    )
    assert [(t["from"], t["to"], t["cause"]) for t in history] == [
        (None, "created", "payment_created"),
        ("created", "canceled", "out of stock"),
    ]
    assert history[1]["actor"]["type"] == "api_key"
    assert topics == ["payment.created", "payment.canceled"]


def test_a_payment_is_invisible_to_other_merchants_and_modes(payments: Service) -> None:
    api = payments.api()
    payment = api.create()
    path = f"/api/v1/payments/{payment['id']}"
    other_merchant = api.as_(secret_key("mer_someoneelse"))
    live = api.as_(secret_key(payments.merchant_id, "live"))
    viewer = api.as_(member(payments.merchant_id, "viewer"))
    for caller in (other_merchant, live):
        assert error_code(caller.get(path)) == (404, "payment_not_found")
        assert error_code(caller.post(f"{path}/cancel")) == (404, "payment_not_found")
        assert error_code(caller.confirm_card(payment["id"])) == (404, "payment_not_found")
        assert caller.get("/api/v1/payments").json()["total"] == 0
    assert viewer.get(path).status_code == 200
    assert error_code(viewer.post(f"{path}/cancel")) == (403, "permission_denied")


def test_publishable_keys_see_the_checkout_view_only(payments: Service) -> None:
    api = payments.api()
    payment = api.create(description="Tea")
    checkout = api.opening(payment, publishable_key(payments.merchant_id))
    view = checkout.get(f"/api/v1/checkout/payments/{payment['id']}")
    full = checkout.get(f"/api/v1/payments/{payment['id']}")
    assert view.status_code == 200
    assert (view.json()["amount"], view.json()["description"]) == (10_000, "Tea")
    assert "metadata" not in view.json() and "customer" not in view.json()
    assert error_code(full) == (403, "permission_denied")


def test_card_numbers_never_reach_the_logs(
    payments: Service, caplog: pytest.LogCaptureFixture
) -> None:
    api = payments.api()
    numbers = ["4242424242424242", "4000000000000002", "4242424242424241"]
    with caplog.at_level(logging.DEBUG):
        for number in numbers:
            api.confirm_card(api.create()["id"], number)
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert caplog.records
    assert not any(number in logged for number in numbers)


async def test_racing_cancels_and_confirms_leave_one_outcome(payments: Service) -> None:
    api = payments.api()
    payment = api.create()
    card = {"number": "4242424242424242", "expMonth": 12, "expYear": 2099, "cvc": "123"}
    base = f"{payments.url}/api/v1"
    async with httpx.AsyncClient(auth=AsGateway(api.caller), timeout=60) as client:
        responses = await asyncio.gather(
            *(
                client.post(f"{base}/checkout/payments/{payment['id']}/confirm", json=body)
                if n % 2
                else client.post(f"{base}/payments/{payment['id']}/cancel")
                for n, body in enumerate([{"method": "card", "card": card}] * 40)
            )
        )
    after = api.get(f"/api/v1/payments/{payment['id']}").json()
    history = api.get(f"/api/v1/payments/{payment['id']}/history").json()["data"]
    topics = [e["topic"] for e in payments.db["outbox"].find().sort("order", 1)]
    winners = [r for r in responses if r.status_code == 200]
    assert {r.status_code for r in responses} <= {200, 409}
    assert after["status"] in ("succeeded", "canceled")
    assert history[-1]["to"] == after["status"]
    # One request wins; a cancel may also win the way out of processing, and then the
    # confirm that was charging reports the conflict instead of a completed payment.
    assert len(winners) == 1
    expected = {"canceled": "payment.canceled", "succeeded": "payment.completed"}
    assert topics[1:] == [expected[after["status"]]]


async def test_racing_upi_outcomes_complete_once(payments: Service) -> None:
    api = payments.api()
    payment = api.create()
    path = f"/api/v1/checkout/payments/{payment['id']}"
    api.post(f"{path}/confirm", {"method": "upi_qr"})
    async with httpx.AsyncClient(auth=AsGateway(api.caller), timeout=60) as client:
        responses = await asyncio.gather(
            *(
                client.post(
                    f"{payments.url}{path}/sandbox/upi-complete",
                    json={"outcome": "success" if n % 2 else "failure"},
                )
                for n in range(30)
            )
        )
    final = [e["topic"] for e in payments.db["outbox"].find().sort("order", 1)][1:]
    assert sorted(r.status_code for r in responses) == [200] + [409] * 29
    assert final in (["payment.completed"], ["payment.failed"])
