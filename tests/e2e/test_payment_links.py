"""Payment links end to end through the gateway: a merchant makes a link and hears of it by a
signed webhook, customers without any credentials open it and press Pay at the same moment, one
of them pays on the hosted checkout, and the link is then used up."""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from devstack.accounts import bearer
from devstack.stack import Stack
from devstack.waiting import wait_until
from tests.e2e.conftest import Account, from_own_address, register
from tests.e2e.test_webhooks import CARD, verified_events
from tests.receivers import Receiver, receiving

pytestmark = pytest.mark.e2e


def press_pay(stack: Stack) -> Any:
    """A customer's own browser (no credentials) pressing Pay on the link's page."""

    def press(slug: str) -> httpx.Response:
        with from_own_address(stack) as browser:
            return browser.post(
                f"/api/v1/checkout/links/{slug}/payments",
                headers={"Idempotency-Key": secrets.token_hex(8)},
            )

    return press


def test_a_one_time_link_is_paid_once_through_the_gateway_and_its_events_are_signed(
    gateway: httpx.Client, account: Account, stack: Stack
) -> None:
    merchant = bearer(account.secret_key)
    with receiving(Receiver()) as receiver:
        endpoint = register(gateway, account, receiver.url, ["payment_link.*"])
        made = gateway.post(
            "/api/v1/payment-links",
            json={"amount": 25_000, "currency": "INR", "description": "Concert ticket"},
            headers={**merchant, "Idempotency-Key": secrets.token_hex(8)},
        )
        assert made.status_code == 201, made.text
        link = made.json()
        assert link["url"].endswith(f"/pay/{link['slug']}")

        with from_own_address(stack) as browser:
            page = browser.get(f"/api/v1/checkout/links/{link['slug']}")
        assert page.status_code == 200, page.text
        assert (page.json()["amount"], page.json()["status"]) == (25_000, "active")

        with ThreadPoolExecutor(max_workers=6) as pool:
            presses = list(pool.map(press_pay(stack), [link["slug"]] * 6))
        assert all(p.status_code == 201 for p in presses), [p.text for p in presses]
        # Everyone who pressed at once was given the one payment the link may take.
        started = {p.json()["paymentId"] for p in presses}
        assert len(started) == 1
        checkout_url = presses[0].json()["checkoutUrl"]
        payment_id, secret = checkout_url.rsplit("/", 1)[1].split("#", 1)
        with from_own_address(stack) as browser:
            paid = browser.post(
                f"/api/v1/checkout/payments/{payment_id}/confirm",
                json={"method": "card", "card": CARD},
                headers={"Expe-Client-Secret": secret},
            )
        assert paid.status_code == 200, paid.text
        again = press_pay(stack)(link["slug"])
        assert (again.status_code, again.json()["error"]["code"]) == (409, "payment_link_used")

        shown = gateway.get(f"/api/v1/payment-links/{link['id']}", headers=merchant).json()
        assert shown["status"] == "completed"
        assert shown["stats"]["paid"] == 1 and shown["stats"]["revenue"] == 25_000
        off = gateway.post(f"/api/v1/payment-links/{link['id']}/deactivate", headers=merchant)
        assert off.status_code == 200, off.text
        wait_until(lambda: len(receiver.ids()) >= 2, timeout=30, what="two link webhooks")
        events = verified_events(receiver, endpoint["secret"])

    assert sorted(e["type"] for e in events) == [
        "payment_link.created",
        "payment_link.deactivated",
    ]
    assert {e["data"]["paymentLinkId"] for e in events} == {link["id"]}
    assert all(e["merchantId"] == account.merchant_id for e in events)
