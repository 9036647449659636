"""A dispute end to end through the gateway: a customer pays the merchant from their wallet, a
card payment with the sandbox's disputing test card is disputed by the sandbox network, the
merchant answers with losing evidence, and the lost dispute's amount and fee leave the
merchant's wallet exactly once, with every step signed to the merchant's endpoint."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import pytest

from devstack.accounts import bearer, sign_up
from devstack.waiting import wait_until
from tests.e2e.conftest import Account, register
from tests.e2e.test_webhooks import CARD, create_payment, verified_events
from tests.receivers import Receiver, receiving

pytestmark = pytest.mark.e2e

FUNDS, AMOUNT, FEE = 30_000, 10_000, 1_500


def _merchant_wallet(gateway: httpx.Client, mailpit_url: str, account: Account) -> str:
    """A customer pays the merchant `FUNDS` from their wallet: the merchant's wallet holds it."""
    customer = sign_up(gateway, mailpit_url)
    wallet = gateway.post("/api/v1/wallets", json={"currency": "INR"}, headers=customer.headers())
    wallet_id = wallet.json()["id"]
    topup = gateway.post(
        "/api/v1/topups",
        json={"walletId": wallet_id, "amount": FUNDS, "source": {"type": "upi"}},
        headers={**customer.headers(), "Idempotency-Key": secrets.token_hex(8)},
    )
    assert topup.status_code == 201, topup.text
    payment_id = create_payment(gateway, account, FUNDS)
    secret = gateway.get(f"/api/v1/payments/{payment_id}", headers=bearer(account.secret_key))
    paid = gateway.post(
        f"/api/v1/checkout/payments/{payment_id}/confirm",
        json={"method": "wallet", "walletId": wallet_id},
        headers={**customer.headers(), "Expe-Client-Secret": secret.json()["clientSecret"]},
    )
    assert paid.status_code == 200, paid.text
    payment = gateway.get(f"/api/v1/payments/{payment_id}", headers=bearer(account.secret_key))
    return str(payment.json()["merchantWalletId"])


def _balance(gateway: httpx.Client, account: Account, wallet_id: str) -> tuple[int, int]:
    body = gateway.get(f"/api/v1/wallets/{wallet_id}", headers=bearer(account.secret_key)).json()
    return int(body["available"]), int(body["held"])


def _dispute_with_funds(
    gateway: httpx.Client, account: Account, payment_id: str, funds: str
) -> dict[str, Any] | None:
    """The payment's dispute once its money is at `funds` (None before)."""
    listed = gateway.get("/api/v1/disputes", headers=bearer(account.secret_key)).json()["data"]
    found = [d for d in listed if d["paymentId"] == payment_id and d["funds"] == funds]
    return found[0] if found else None


def test_a_lost_dispute_is_charged_back_once_and_signed_to_the_merchant(
    gateway: httpx.Client, mailpit_url: str, account: Account
) -> None:
    key = bearer(account.secret_key)
    merchant_wallet = _merchant_wallet(gateway, mailpit_url, account)
    with receiving(Receiver()) as receiver:
        endpoint = register(gateway, account, receiver.url, ["dispute.*"])
        payment_id = create_payment(gateway, account, AMOUNT)
        paid = gateway.post(
            f"/api/v1/checkout/payments/{payment_id}/confirm",
            json={"method": "card", "card": {**CARD, "number": "4000000000000259"}},
            headers=key,
        )
        assert paid.json()["status"] == "succeeded", paid.text

        # The sandbox network disputes the payment, and its amount and fee are withheld.
        opened = wait_until(
            lambda: _dispute_with_funds(gateway, account, payment_id, "withheld"),
            timeout=30,
            what="the sandbox network's dispute of the payment",
        )
        assert (opened["reason"], opened["amount"], opened["fee"]) == ("fraudulent", AMOUNT, FEE)
        assert _balance(gateway, account, merchant_wallet) == (FUNDS - AMOUNT - FEE, AMOUNT + FEE)
        refund = gateway.post(f"/api/v1/payments/{payment_id}/refund", json={}, headers=key)
        assert refund.status_code == 409 and refund.json()["error"]["code"] == "payment_disputed"

        path = f"/api/v1/disputes/{opened['id']}"
        evidence = {"uncategorizedText": "losing_evidence", "customerName": "A. Customer"}
        assert gateway.post(f"{path}/evidence", json=evidence, headers=key).status_code == 200
        submitted = gateway.post(
            f"{path}/submit", headers={**key, "Idempotency-Key": secrets.token_hex(8)}
        )
        assert submitted.json()["status"] == "under_review", submitted.text

        closed = wait_until(
            lambda: _dispute_with_funds(gateway, account, payment_id, "charged_back"),
            timeout=30,
            what="the dispute to be lost and charged back",
        )
        assert closed["status"] == "lost"
        assert _balance(gateway, account, merchant_wallet) == (FUNDS - AMOUNT - FEE, 0)

        wait_until(lambda: len(receiver.ids()) >= 4, timeout=60, what="four dispute webhooks")
        events = verified_events(receiver, endpoint["secret"])

    assert sorted(e["type"] for e in events) == [
        "dispute.closed",
        "dispute.created",
        "dispute.funds_withdrawn",
        "dispute.updated",
    ]
    assert {e["data"]["disputeId"] for e in events} == {opened["id"]}
    assert [e["data"]["status"] for e in events if e["type"] == "dispute.closed"] == ["lost"]
    # Seconds of the network's reviews later, nothing more has left the wallet.
    assert _balance(gateway, account, merchant_wallet) == (FUNDS - AMOUNT - FEE, 0)
