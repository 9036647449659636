"""A merchant's analytics, through the gateway, reconcile with the payments service's own list:
volume, refunds, failures by code, methods, issuer countries and customers."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from devstack.accounts import bearer
from devstack.waiting import wait_until
from tests.e2e.conftest import Account

pytestmark = pytest.mark.e2e

US_CARD = {"number": "4242424242424242", "expMonth": 12, "expYear": 2099, "cvc": "123"}
IN_CARD = US_CARD | {"number": "4000003560000008"}
DECLINED = US_CARD | {"number": "4000000000009995"}


def _pay(gateway: httpx.Client, key: str, amount: int, card: dict[str, Any], email: str) -> str:
    created = gateway.post(
        "/api/v1/payments",
        json={
            "amount": amount,
            "currency": "INR",
            "orderId": f"ord_{secrets.token_hex(4)}",
            "customer": {"email": email},
        },
        headers={**bearer(key), "Idempotency-Key": secrets.token_hex(8)},
    )
    assert created.status_code == 201, created.text
    payment_id = str(created.json()["id"])
    gateway.post(
        f"/api/v1/checkout/payments/{payment_id}/confirm",
        json={"method": "card", "card": card},
        headers=bearer(key),
    )
    return payment_id


def test_analytics_reconcile_with_the_payments_list(
    gateway: httpx.Client, account: Account
) -> None:
    key = account.secret_key
    _pay(gateway, key, 10_000, US_CARD, "asha@example.com")
    refunded = _pay(gateway, key, 25_000, IN_CARD, "asha@example.com")
    _pay(gateway, key, 7_000, IN_CARD, "ravi@example.com")
    _pay(gateway, key, 3_000, DECLINED, "ravi@example.com")
    refund = gateway.post(
        f"/api/v1/payments/{refunded}/refund",
        json={"amount": 5_000},
        headers={**bearer(key), "Idempotency-Key": secrets.token_hex(8)},
    )
    assert refund.status_code == 201, refund.text

    listed = gateway.get("/api/v1/payments", params={"limit": 100}, headers=bearer(key)).json()
    payments = listed["data"]
    paid = [p for p in payments if p["status"] == "succeeded"]
    failed = [p for p in payments if p["status"] == "failed"]
    today = datetime.now(UTC).date()
    path = f"/api/v1/merchants/{account.merchant_id}/analytics"
    # The range reaches into tomorrow, should the test run across midnight UTC.
    window = {"from": str(today - timedelta(days=1)), "to": str(today + timedelta(days=1))}

    def figures() -> dict[str, Any] | None:
        report = gateway.get(path, params=window, headers=bearer(key)).json()
        (inr,) = report["currencies"] or [None]
        settled = inr and inr["totals"]["succeeded"] + inr["totals"]["failed"] == len(payments)
        return inr if settled and inr["totals"]["refunds"] == 1 else None

    inr = wait_until(figures, timeout=30, what="analytics to count every payment and the refund")
    totals = inr["totals"]
    assert totals["created"] == len(payments) == 4
    assert totals["volume"] == sum(p["amount"] for p in paid) == 42_000
    assert totals["refunded"] == sum(p["amountRefunded"] for p in payments) == 5_000
    assert totals["net"] == 37_000
    assert (totals["failed"], totals["successRate"]) == (len(failed), 0.75)
    assert totals["averageOrderValue"] == 14_000
    assert inr["failures"] == [{"code": "insufficient_funds", "count": 1}]
    countries = {c["country"]: (c["succeeded"], c["volume"], c["failed"]) for c in inr["countries"]}
    assert countries == {"IN": (2, 32_000, 0), "US": (1, 10_000, 1)}
    assert [m["method"] for m in inr["methods"]] == ["card"]
    # Asha paid twice (one new customer, one returning payment); Ravi once.
    assert (totals["newCustomers"], totals["returningPayments"]) == (2, 1)
    top = inr["topCustomers"]
    assert [(c["label"], c["payments"], c["volume"]) for c in top] == [
        ("a•••@example.com", 2, 35_000),
        ("r•••@example.com", 1, 7_000),
    ]
    report = gateway.get(path, params=window | {"granularity": "month"}, headers=bearer(key))
    (cohort,) = report.json()["cohorts"]
    assert cohort["customers"] == 2 and cohort["retention"][0]["rate"] == 1.0


def test_a_bad_range_or_another_merchant_is_refused(
    gateway: httpx.Client, account: Account
) -> None:
    key = bearer(account.secret_key)
    path = f"/api/v1/merchants/{account.merchant_id}/analytics"
    for params, param in (
        ({"from": "2026-05-02", "to": "2026-05-01"}, "from"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "from"),
        ({"granularity": "year"}, "granularity"),
        ({"currency": "inr"}, "currency"),
        ({"from": "yesterday"}, "from"),
        ({"from": "9999-12-30"}, "from"),
        ({"to": "0001-01-02"}, "to"),
    ):
        refused = gateway.get(path, params=params, headers=key)
        assert refused.status_code == 400, (params, refused.text)
        assert refused.json()["error"]["param"] == param
    other = gateway.get("/api/v1/merchants/mer_0000000000000000000000/analytics", headers=key)
    assert (other.status_code, other.json()["error"]["code"]) == (404, "merchant_not_found")
