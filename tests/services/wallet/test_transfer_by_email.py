"""Transfers to an email address: auth (in-process, real infrastructure) says whose it is, the
recipient's wallet in the transfer's currency and mode is opened on first use and credited once."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from devstack.profile import Profile
from shared.idempotency import IDEMPOTENCY_KEYS
from shared.identity import Caller, service_caller
from tests.services.auth.test_users_helpers import AuthApi, running_auth, unique_email
from tests.services.wallet.conftest import WalletApp, user
from tests.signing import AsGateway

pytestmark = pytest.mark.infra


@pytest.fixture
def auth(serve: Callable[..., Any], profile: Profile) -> Iterator[AuthApi]:
    with running_auth(serve, profile) as api:
        yield api


@pytest.fixture
def wallet_settings(auth: AuthApi) -> dict[str, Any]:
    """Wallet resolves recipients through the auth service served for this test."""
    return {"sweep_after_seconds": 3600.0, "services": {"auth": auth.url}}


def as_registered(account: dict[str, Any]) -> Caller:
    return Caller(
        kind="user",
        user_id=account["id"],
        email=account["email"],
        email_verified=account["emailVerified"],
    )


async def transfer(
    app: WalletApp, sender: Caller, body: dict[str, Any], key: str | None = None
) -> httpx.Response:
    async with app.client(sender) as client:
        return await client.post(
            "/api/v1/transfers",
            json=body,
            headers={"Idempotency-Key": key or secrets.token_hex(8)},
        )


async def wallets_of(app: WalletApp, caller: Caller) -> list[dict[str, Any]]:
    async with app.client(caller) as client:
        response = await client.get("/api/v1/wallets")
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


async def ledger_check(app: WalletApp) -> dict[str, Any]:
    async with httpx.AsyncClient(
        base_url=app.url, auth=AsGateway(service_caller("payments")), timeout=60
    ) as client:
        response = await client.get("/internal/v1/ledger/invariants")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_transfer_by_email_opens_the_recipients_wallet_and_credits_it_once(
    wallet_app: WalletApp, auth: AuthApi
) -> None:
    email = unique_email("payee")
    recipient = as_registered(await asyncio.to_thread(auth.verified, email))
    sender = user()
    source = await wallet_app.funded(sender, 10_000)
    body = {
        "fromWalletId": source,
        "to": {"email": f" {email.upper()} "},
        "amount": 2_500,
        "currency": "INR",
        "note": "lunch",
    }
    key = secrets.token_hex(8)

    first = await transfer(wallet_app, sender, body, key)
    replayed = await transfer(wallet_app, sender, body, key)
    # The route's record of the key gone, the service itself must find the same transfer.
    await wallet_app.db[IDEMPOTENCY_KEYS].delete_many({})
    again = await asyncio.gather(*(transfer(wallet_app, sender, body, key) for _ in range(4)))

    assert first.status_code == 201, first.text
    movement = first.json()
    (wallet,) = await wallets_of(wallet_app, recipient)
    assert (wallet["currency"], wallet["mode"], wallet["owner"]) == (
        "INR",
        "test",
        {"type": "user", "id": recipient.user_id},
    )
    assert (movement["status"], movement["toWalletId"], movement["fromWalletId"]) == (
        "succeeded",
        wallet["id"],
        source,
    )
    assert replayed.json()["id"] == movement["id"]
    assert 201 in [response.status_code for response in again]
    for response in again:
        assert response.status_code in (201, 409), response.text
        if response.status_code == 201:
            assert (response.json()["id"], response.json()["toWalletId"]) == (
                movement["id"],
                wallet["id"],
            )
    assert await wallet_app.balance(recipient, wallet["id"]) == {
        "available": 2_500,
        "held": 0,
        "total": 2_500,
    }
    assert (await wallet_app.balance(sender, source))["available"] == 7_500
    async with wallet_app.client(recipient) as client:
        entries = (await client.get(f"/api/v1/wallets/{wallet['id']}/entries")).json()
    assert entries["total"] == 1
    check = await ledger_check(wallet_app)
    assert (check["ok"], check["total"], check["problems"]) == (True, 0, [])


async def test_a_wallet_the_recipient_already_has_is_the_one_credited(
    wallet_app: WalletApp, auth: AuthApi
) -> None:
    email = unique_email("has-wallet")
    recipient = as_registered(await asyncio.to_thread(auth.verified, email))
    existing = await wallet_app.open_wallet(recipient, "INR")
    other_currency = await wallet_app.open_wallet(recipient, "USD")
    sender = user()
    source = await wallet_app.funded(sender, 1_000)

    response = await transfer(
        wallet_app,
        sender,
        {"fromWalletId": source, "to": {"email": email}, "amount": 400, "currency": "INR"},
    )

    assert response.status_code == 201, response.text
    assert response.json()["toWalletId"] == existing
    assert (await wallet_app.balance(recipient, existing))["available"] == 400
    assert (await wallet_app.balance(recipient, other_currency))["available"] == 0
    assert len(await wallets_of(wallet_app, recipient)) == 2


async def test_an_unknown_or_unverified_email_is_refused_alike_and_nothing_moves(
    wallet_app: WalletApp, auth: AuthApi
) -> None:
    unverified = as_registered(await asyncio.to_thread(auth.registered, unique_email("pending")))
    sender = user()
    source = await wallet_app.funded(sender, 1_000)
    refused = []
    for email in (unique_email("nobody"), unverified.email):
        refused.append(
            await transfer(
                wallet_app,
                sender,
                {"fromWalletId": source, "to": {"email": email}, "amount": 300, "currency": "INR"},
            )
        )

    bodies = [
        (r.status_code, r.json()["error"]["code"], r.json()["error"]["message"]) for r in refused
    ]
    assert bodies[0] == bodies[1]
    assert bodies[0][:2] == (404, "recipient_not_found")
    assert await wallet_app.balance(sender, source) == {
        "available": 1_000,
        "held": 0,
        "total": 1_000,
    }
    assert await wallets_of(wallet_app, unverified) == []
    async with wallet_app.client(sender) as client:
        entries = (await client.get(f"/api/v1/wallets/{source}/entries")).json()
    assert entries["total"] == 1  # the top-up only
    check = await ledger_check(wallet_app)
    assert (check["ok"], check["problems"]) == (True, [])


async def test_the_target_is_a_wallet_or_an_email_never_both_nor_neither(
    wallet_app: WalletApp,
) -> None:
    sender = user()
    source = await wallet_app.funded(sender, 1_000)
    targets: list[dict[str, Any]] = [
        {},
        {"walletId": source, "email": "someone@example.com"},
        {"email": "not-an-email"},
    ]
    for target in targets:
        response = await transfer(
            wallet_app,
            sender,
            {"fromWalletId": source, "to": target, "amount": 100, "currency": "INR"},
        )
        assert response.status_code in (400, 422), response.text
    assert (await wallet_app.balance(sender, source))["available"] == 1_000
