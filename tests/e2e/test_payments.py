"""A merchant's server takes a card payment through the gateway, then refunds part of it."""

from __future__ import annotations

import httpx
import pytest

from devstack.accounts import SEEN, bearer, create_key
from devstack.waiting import wait_until
from tests.e2e.conftest import Account

pytestmark = pytest.mark.e2e

VISA_OK = {"number": "4242424242424242", "expMonth": 12, "expYear": 2040, "cvc": "123"}
VISA_DECLINED = {**VISA_OK, "number": "4000000000000002"}


def test_card_payment_then_partial_refund(gateway: httpx.Client, account: Account) -> None:
    publishable = create_key(gateway, account.merchant, type="publishable")["secret"]
    created = gateway.post(
        "/api/v1/payments",
        json={"amount": 49_900, "currency": "INR", "orderId": "order-1001"},
        headers={**bearer(account.secret_key), "Idempotency-Key": "order-1001"},
    )
    assert created.status_code == 201, created.text
    payment = created.json()
    assert (payment["status"], payment["amount"], payment["mode"]) == ("created", 49_900, "test")

    # The browser confirms on the hosted checkout: the link's client secret opens the payment.
    checkout = f"/api/v1/checkout/payments/{payment['id']}"
    assert payment["checkoutUrl"].endswith(f"/checkout/{payment['id']}#{payment['clientSecret']}")
    unopened = gateway.get(checkout)
    view = gateway.get(checkout, headers={"Expe-Client-Secret": payment["clientSecret"]})
    assert unopened.status_code == 401, unopened.text
    assert unopened.json()["error"]["code"] == "client_secret_required"
    assert view.status_code == 200, view.text
    assert view.json()["merchant"] == {"id": account.merchant_id, "name": "Chai Point"}
    confirmed = gateway.post(
        f"{checkout}/confirm",
        json={"method": "card", "card": VISA_OK},
        headers={"Expe-Client-Secret": payment["clientSecret"]},
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "succeeded"
    # The page keeps showing whom the customer paid.
    assert confirmed.json()["merchant"] == view.json()["merchant"]
    card = gateway.get(f"/api/v1/payments/{payment['id']}", headers=bearer(account.secret_key))
    assert card.json()["card"]["last4"] == "4242"
    SEEN.add(VISA_OK["number"])

    # A publishable key cannot refund; the secret key can, in part.
    denied = gateway.post(
        f"/api/v1/payments/{payment['id']}/refund", json={"amount": 1}, headers=bearer(publishable)
    )
    assert denied.status_code == 403
    refund = gateway.post(
        f"/api/v1/payments/{payment['id']}/refund",
        json={"amount": 10_000, "reason": "one item returned"},
        headers={**bearer(account.secret_key), "Idempotency-Key": "refund-1001-1"},
    )
    assert refund.status_code == 201, refund.text
    too_much = gateway.post(
        f"/api/v1/payments/{payment['id']}/refund",
        json={"amount": 40_000},
        headers=bearer(account.secret_key),
    )
    assert too_much.status_code == 400
    assert too_much.json()["error"]["code"] == "refund_exceeds_captured"

    current = gateway.get(f"/api/v1/payments/{payment['id']}", headers=bearer(account.secret_key))
    assert current.json()["amountRefunded"] == 10_000
    history = gateway.get(
        f"/api/v1/payments/{payment['id']}/history", headers=bearer(account.secret_key)
    ).json()["data"]
    assert [(step["from"], step["to"]) for step in history][-2:] == [
        ("created", "processing"),
        ("processing", "succeeded"),
    ]
    # The payment.created event travelled payments -> Kafka -> analytics.
    wait_until(
        lambda: (
            gateway.get(
                "/api/v1/analytics/payments/summary", headers=bearer(account.secret_key)
            ).json()["paymentsCreated"]
            == [{"currency": "INR", "count": 1, "amount": 49_900}]
        ),
        timeout=30,
        what="analytics to count the payment",
    )

    # The dashboard's overview counts the creation, the success and the refund (summed over the
    # last days, as the test may run across midnight in Kolkata).
    def last_week() -> tuple[int, ...]:
        overview = gateway.get(
            "/api/v1/analytics/overview",
            params={"days": 7, "tz": "Asia/Kolkata"},
            headers=bearer(account.secret_key),
        ).json()
        days = [day for currency in overview["currencies"] for day in currency["days"]]
        fields = ("count", "succeeded", "volume", "failed", "refunds", "refunded")
        return tuple(sum(day[field] for day in days) for field in fields)

    wait_until(
        lambda: last_week() == (1, 1, 49_900, 0, 1, 10_000),
        timeout=30,
        what="the overview to count the payment, its success and its refund",
    )
    # A name of the zone database that is no zone (a folder, a file) is bad input, not a crash.
    for name in ("Europe", "__pycache__", "../UTC", "Mars/Olympus"):
        refused = gateway.get(
            "/api/v1/analytics/overview",
            params={"tz": name},
            headers=bearer(account.secret_key),
        )
        assert (refused.status_code, refused.json()["error"]["param"]) == (400, "tz"), name


def test_declined_card_fails_the_payment_with_402(gateway: httpx.Client, account: Account) -> None:
    publishable = create_key(gateway, account.merchant, type="publishable")["secret"]
    payment = gateway.post(
        "/api/v1/payments",
        json={"amount": 1_000, "currency": "INR", "orderId": "order-2002"},
        headers=bearer(account.secret_key),
    ).json()
    declined = gateway.post(
        f"/api/v1/checkout/payments/{payment['id']}/confirm",
        json={"method": "card", "card": VISA_DECLINED},
        headers={**bearer(publishable), "Expe-Client-Secret": payment["clientSecret"]},
    )
    assert declined.status_code == 402
    assert declined.json()["error"]["code"] == "card_declined"
    after = gateway.get(f"/api/v1/payments/{payment['id']}", headers=bearer(account.secret_key))
    assert after.json()["status"] == "failed"
