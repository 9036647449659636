"""`kill -9` of the wallet service while transfers are in flight: after a restart every transfer
happened exactly once or not at all, and the ledger still balances."""

from __future__ import annotations

import asyncio
import secrets
import threading

import httpx
import pytest

from devstack.accounts import Session, bearer
from devstack.stack import Stack
from devstack.waiting import wait_until
from shared.identity import service_caller
from tests.e2e.conftest import Account, open_wallet
from tests.signing import AsGateway

pytestmark = pytest.mark.e2e

TOPUP, AMOUNT, TRANSFERS = 100_000, 1_000, 40


def balance(gateway: httpx.Client, wallet_id: str, headers: dict[str, str]) -> int:
    response = gateway.get(f"/api/v1/wallets/{wallet_id}", headers=headers)
    assert response.status_code == 200, response.text
    return int(response.json()["available"])


async def send_all(base_url: str, headers: dict[str, str], bodies: list[tuple[str, dict]]) -> None:
    """Fires every transfer at once; answers (or broken connections) do not matter here."""
    async with httpx.AsyncClient(base_url=base_url, timeout=20) as client:
        await asyncio.gather(
            *(
                client.post(
                    "/api/v1/transfers", json=body, headers={**headers, "Idempotency-Key": key}
                )
                for key, body in bodies
            ),
            return_exceptions=True,
        )


def test_wallet_crash_mid_transfers_moves_each_transfer_once(
    gateway: httpx.Client, stack: Stack, owner: Session, account: Account
) -> None:
    customer = owner.headers()
    source = open_wallet(gateway, customer)
    topup = gateway.post(
        "/api/v1/topups",
        json={"walletId": source, "amount": TOPUP, "source": {"type": "bank"}},
        headers={**customer, "Idempotency-Key": secrets.token_hex(8)},
    )
    assert topup.status_code == 201, topup.text
    start = balance(gateway, source, customer)
    target = open_wallet(gateway, bearer(account.secret_key))
    bodies = [
        (
            secrets.token_hex(8),
            {
                "fromWalletId": source,
                "to": {"walletId": target},
                "amount": AMOUNT,
                "currency": "INR",
            },
        )
        for _ in range(TRANSFERS)
    ]

    wallet = stack["wallet"]
    # Transfers in flight; the wallet process dies as soon as the first of them has moved money.
    # asyncio.run, not a bare loop: the sockets the client closed are closed by callbacks that
    # only a loop still running (its shutdown) calls.
    thread = threading.Thread(
        target=asyncio.run, args=(send_all(stack["gateway"].url, customer, bodies),)
    )
    thread.start()
    wait_until(
        lambda: balance(gateway, source, customer) < start, timeout=30, what="a first transfer"
    )
    wallet.kill()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the transfers sent before the crash did not all end"
    wallet.start()
    wallet.wait_ready()

    # The client retries each transfer with its key, as a merchant's server would: a request cut
    # off by the crash holds its key for a while (409 idempotency_key_in_use), then the service
    # resumes the same movement. Its sweep finishes what no client comes back for.
    def settled(key: str, body: dict) -> int | None:
        response = gateway.post(
            "/api/v1/transfers", json=body, headers={**customer, "Idempotency-Key": key}
        )
        if response.status_code == 409 and response.json()["error"]["code"] == (
            "idempotency_key_in_use"
        ):
            return None
        if response.status_code == 503:
            return None  # the wallet's callers have not seen it back yet: Retry-After
        return response.status_code

    outcomes = [
        wait_until(lambda k=key, b=body: settled(k, b), timeout=90, interval=1, what="the retry")
        for key, body in bodies
    ]
    assert set(outcomes) == {201}, outcomes
    assert balance(gateway, source, customer) == start - TRANSFERS * AMOUNT
    assert balance(gateway, target, bearer(account.secret_key)) == TRANSFERS * AMOUNT
    checked = httpx.get(
        f"{wallet.url}/internal/v1/ledger/invariants", auth=AsGateway(service_caller("tests"))
    ).json()
    assert checked["ok"], checked
