"""A customer pays a merchant from their wallet through the gateway; the merchant refunds part
of it, and the money lands back in the customer's wallet."""

from __future__ import annotations

import secrets

import httpx
import pytest

from devstack.accounts import bearer, sign_up
from tests.e2e.conftest import Account

pytestmark = pytest.mark.e2e

TOPUP, AMOUNT, REFUND = 100_000, 49_900, 10_000


def test_customer_pays_from_wallet_and_gets_a_partial_refund(
    gateway: httpx.Client, mailpit_url: str, account: Account
) -> None:
    customer = sign_up(gateway, mailpit_url)
    opened = gateway.post("/api/v1/wallets", json={"currency": "INR"}, headers=customer.headers())
    assert opened.status_code == 201, opened.text
    wallet_id = opened.json()["id"]
    topup = gateway.post(
        "/api/v1/topups",
        json={"walletId": wallet_id, "amount": TOPUP, "source": {"type": "upi"}},
        headers={**customer.headers(), "Idempotency-Key": secrets.token_hex(8)},
    )
    assert topup.status_code == 201, topup.text

    # The merchant's server creates the payment with its secret key.
    created = gateway.post(
        "/api/v1/payments",
        json={"amount": AMOUNT, "currency": "INR", "orderId": "order-w-1"},
        headers={**bearer(account.secret_key), "Idempotency-Key": secrets.token_hex(8)},
    )
    assert created.status_code == 201, created.text
    payment_id = created.json()["id"]
    # The checkout link opens the payment with its client secret; the customer logs in too.
    on_checkout = {**customer.headers(), "Expe-Client-Secret": created.json()["clientSecret"]}

    # The customer, logged in, sees what they pay and pays it from their own wallet.
    view = gateway.get(f"/api/v1/checkout/payments/{payment_id}", headers=on_checkout)
    assert view.status_code == 200, view.text
    assert (view.json()["amount"], view.json()["currency"]) == (AMOUNT, "INR")
    confirm = f"/api/v1/checkout/payments/{payment_id}/confirm"
    paid = gateway.post(
        confirm, json={"method": "wallet", "walletId": wallet_id}, headers=on_checkout
    )
    assert paid.status_code == 200, paid.text
    assert paid.json()["status"] == "succeeded" and paid.json()["method"] == "wallet"
    merchant_wallet_id = gateway.get(
        f"/api/v1/payments/{payment_id}", headers=bearer(account.secret_key)
    ).json()["merchantWalletId"]
    again = gateway.post(
        confirm, json={"method": "wallet", "walletId": wallet_id}, headers=on_checkout
    )
    assert again.status_code == 409, again.text

    # Someone else cannot pay a payment from this customer's wallet.
    other_payment = gateway.post(
        "/api/v1/payments",
        json={"amount": 100, "currency": "INR", "orderId": "order-w-2"},
        headers=bearer(account.secret_key),
    ).json()
    stranger = sign_up(gateway, mailpit_url)
    refused = gateway.post(
        f"/api/v1/checkout/payments/{other_payment['id']}/confirm",
        json={"method": "wallet", "walletId": wallet_id},
        headers={**stranger.headers(), "Expe-Client-Secret": other_payment["clientSecret"]},
    )
    assert refused.status_code in (403, 404), refused.text

    refund = gateway.post(
        f"/api/v1/payments/{payment_id}/refund",
        json={"amount": REFUND, "reason": "one item returned"},
        headers={**bearer(account.secret_key), "Idempotency-Key": secrets.token_hex(8)},
    )
    assert refund.status_code == 201, refund.text

    mine = gateway.get(f"/api/v1/wallets/{wallet_id}", headers=customer.headers())
    assert mine.status_code == 200, mine.text
    assert (mine.json()["available"], mine.json()["held"]) == (TOPUP - AMOUNT + REFUND, 0)
    theirs = gateway.get(
        f"/api/v1/wallets/{merchant_wallet_id}", headers=bearer(account.secret_key)
    )
    assert theirs.status_code == 200, theirs.text
    assert theirs.json()["available"] == AMOUNT - REFUND
    assert theirs.json()["owner"] == {"type": "merchant", "id": account.merchant_id}
