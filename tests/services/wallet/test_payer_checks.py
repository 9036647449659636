"""What payments vouches for on a hold (the paying customer, the payment's mode), and the
merchant's wallet it captures into, opened on first use."""

from __future__ import annotations

import asyncio

from tests.services.wallet.conftest import PAYMENTS, WalletApp, merchant, user


async def test_a_hold_for_a_vouched_owner_is_refused_on_someone_elses_wallet(
    wallet_app: WalletApp,
) -> None:
    alice, mallory = user(), user()
    wallet_id = await wallet_app.funded(alice, 1_000)
    body = {"walletId": wallet_id, "amount": 400, "currency": "INR", "mode": "test"}
    async with wallet_app.client(PAYMENTS) as client:
        stranger = await client.post(
            "/internal/v1/holds",
            json={**body, "reference": "pay_a", "ownerType": "user", "ownerId": mallory.user_id},
        )
        live = await client.post(
            "/internal/v1/holds",
            json={
                **body,
                "mode": "live",
                "reference": "pay_b",
                "ownerType": "user",
                "ownerId": alice.user_id,
            },
        )
        own = await client.post(
            "/internal/v1/holds",
            json={**body, "reference": "pay_c", "ownerType": "user", "ownerId": alice.user_id},
        )
    assert (stranger.status_code, stranger.json()["error"]["code"]) == (403, "wallet_not_owned")
    assert (live.status_code, live.json()["error"]["code"]) == (400, "mode_mismatch")
    assert own.status_code == 201 and own.json()["status"] == "held"
    assert await wallet_app.balance(alice, wallet_id) == {
        "available": 600,
        "held": 400,
        "total": 1_000,
    }


async def test_the_merchants_wallet_opens_once_however_often_it_is_asked_for(
    wallet_app: WalletApp,
) -> None:
    shop = merchant()
    body = {"merchantId": shop.merchant_id, "currency": "INR", "mode": "test"}
    async with wallet_app.client(PAYMENTS) as client:
        answers = await asyncio.gather(
            *(client.post("/internal/v1/merchant-wallets", json=body) for _ in range(10))
        )
        live = await client.post("/internal/v1/merchant-wallets", json={**body, "mode": "live"})
    async with wallet_app.client(shop) as client:
        mine = (await client.get("/api/v1/wallets")).json()["data"]
    assert {answer.status_code for answer in answers} <= {200, 201}
    ids = {answer.json()["id"] for answer in answers}
    assert len(ids) == 1 and [wallet["id"] for wallet in mine] == list(ids)
    assert live.status_code == 201 and live.json()["id"] not in ids
    assert mine[0]["owner"] == {"type": "merchant", "id": shop.merchant_id}


async def test_only_services_open_merchant_wallets(wallet_app: WalletApp) -> None:
    shop = merchant()
    body = {"merchantId": shop.merchant_id, "currency": "INR", "mode": "test"}
    async with wallet_app.client(user()) as client:
        refused = await client.post("/internal/v1/merchant-wallets", json=body)
    assert refused.status_code == 403


async def test_services_read_any_wallet_by_id(wallet_app: WalletApp) -> None:
    alice = user()
    wallet_id = await wallet_app.funded(alice, 1_000)
    async with wallet_app.client(PAYMENTS) as client:
        found = await client.get(f"/internal/v1/wallets/{wallet_id}")
        missing = await client.get("/internal/v1/wallets/wal_nope")
    async with wallet_app.client(user()) as client:
        refused = await client.get(f"/internal/v1/wallets/{wallet_id}")
    assert found.status_code == 200, found.text
    assert found.json()["owner"] == {"type": "user", "id": alice.user_id}
    assert (found.json()["available"], found.json()["mode"]) == (1_000, "test")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "wallet_not_found")
    assert refused.status_code == 403
