"""Subscriptions end to end through the gateway: a merchant saves a card, subscribes a customer
on a test clock and hears every step by signed webhooks; a renewal is charged once per period
across a restart of the subscriptions process, and a declined renewal goes past due."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from devstack.accounts import bearer
from devstack.stack import Stack
from devstack.waiting import wait_until
from tests.e2e.conftest import Account, register
from tests.e2e.test_webhooks import CARD, verified_events
from tests.receivers import Receiver, receiving

pytestmark = pytest.mark.e2e

START = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


def _post(gateway: httpx.Client, account: Account, path: str, body: dict[str, Any]) -> Any:
    headers = {**bearer(account.secret_key), "Idempotency-Key": secrets.token_hex(8)}
    return gateway.post(path, json=body, headers=headers)


def _made(gateway: httpx.Client, account: Account, path: str, body: dict[str, Any]) -> Any:
    response = _post(gateway, account, path, body)
    assert response.status_code in (200, 201), response.text
    return response.json()


def _subscribe(
    gateway: httpx.Client, account: Account, number: str, trial_days: int = 0
) -> dict[str, Any]:
    card = _made(gateway, account, "/api/v1/payment-methods", {"card": {**CARD, "number": number}})
    plan = _made(
        gateway,
        account,
        "/api/v1/plans",
        {
            "name": "Studio",
            "amount": 99_900,
            "currency": "INR",
            "interval": "month",
            "trialDays": trial_days,
        },
    )
    return dict(
        _made(
            gateway,
            account,
            "/api/v1/subscriptions",
            {
                "planId": plan["id"],
                "customer": {"email": "member@example.com"},
                "paymentMethodId": card["id"],
                "testClock": {"frozenTime": START.isoformat()},
            },
        )
    )


def _advance(gateway: httpx.Client, account: Account, sub: dict[str, Any], to: datetime) -> Any:
    path = f"/api/v1/subscriptions/{sub['id']}/test-clock/advance"
    return _made(gateway, account, path, {"frozenTime": to.isoformat()})


def _charges(gateway: httpx.Client, account: Account, sub: dict[str, Any]) -> list[Any]:
    path = f"/api/v1/subscriptions/{sub['id']}/invoices"
    invoices = gateway.get(path, headers=bearer(account.secret_key)).json()["data"]
    return [attempt for invoice in invoices for attempt in invoice["attempts"]]


def test_renewals_are_charged_once_per_period_across_a_restart_and_signed_to_the_merchant(
    gateway: httpx.Client, account: Account, stack: Stack
) -> None:
    with receiving(Receiver()) as receiver:
        endpoint = register(gateway, account, receiver.url, ["subscription.*", "invoice.*"])
        subscription = _subscribe(gateway, account, "4242424242424242")
        assert subscription["status"] == "active"
        _advance(gateway, account, subscription, START + timedelta(days=31))

        stack["subscriptions"].kill()
        stack["subscriptions"].start()
        stack["subscriptions"].wait_ready()

        # The same time again after the restart bills nothing more; a later one the next period.
        again = _post(
            gateway,
            account,
            f"/api/v1/subscriptions/{subscription['id']}/test-clock/advance",
            {"frozenTime": (START + timedelta(days=31)).isoformat()},
        )
        assert again.status_code == 400, again.text
        later = _advance(gateway, account, subscription, START + timedelta(days=62))
        assert later["currentPeriodEnd"] == "2027-06-01T08:00:00.000Z"
        charges = _charges(gateway, account, subscription)
        assert [c["status"] for c in charges] == ["succeeded"] * 3
        assert len({c["paymentId"] for c in charges}) == 3
        for charge in charges:
            payment = gateway.get(
                f"/api/v1/payments/{charge['paymentId']}", headers=bearer(account.secret_key)
            ).json()
            assert (payment["status"], payment["amount"]) == ("succeeded", 99_900)

        wait_until(lambda: len(receiver.ids()) >= 6, timeout=60, what="six subscription webhooks")
        events = verified_events(receiver, endpoint["secret"])

    types = sorted(event["type"] for event in events)
    assert types == ["invoice.paid"] * 3 + ["subscription.created"] + ["subscription.renewed"] * 2
    assert all(e["merchantId"] == account.merchant_id and e["mode"] == "test" for e in events)
    renewed = [e["data"] for e in events if e["type"] == "subscription.renewed"]
    assert {d["subscriptionId"] for d in renewed} == {subscription["id"]}


def test_a_declined_renewal_goes_past_due_on_the_test_clock(
    gateway: httpx.Client, account: Account
) -> None:
    with receiving(Receiver()) as receiver:
        endpoint = register(gateway, account, receiver.url, ["subscription.*"])
        subscription = _subscribe(gateway, account, "4000000000009995", trial_days=7)
        assert subscription["status"] == "trialing"
        past_due = _advance(gateway, account, subscription, START + timedelta(days=7, hours=12))
        assert past_due["status"] == "past_due"
        assert past_due["dunning"]["nextAttemptAt"] == "2027-03-09T08:00:00.000Z"
        assert [c["failureCode"] for c in _charges(gateway, account, subscription)] == [
            "insufficient_funds"
        ]
        wait_until(lambda: len(receiver.ids()) >= 3, timeout=60, what="three webhooks")
        events = verified_events(receiver, endpoint["secret"])

    assert sorted(e["type"] for e in events) == [
        "subscription.created",
        "subscription.past_due",
        "subscription.payment_failed",
    ]
