"""Wallets per owner, currency and mode; only the owner sees them."""

from __future__ import annotations

from shared.identity import Caller
from tests.services.wallet.conftest import WalletApp, merchant, user
from tests.signing import ANONYMOUS


async def test_opening_a_wallet_is_idempotent_per_owner_currency_and_mode(
    wallet_app: WalletApp,
) -> None:
    alice = user()
    async with wallet_app.client(alice) as client:
        first = await client.post("/api/v1/wallets", json={"currency": "inr"})
        again = await client.post("/api/v1/wallets", json={"currency": "INR"})
        usd = await client.post("/api/v1/wallets", json={"currency": "USD"})
        listed = await client.get("/api/v1/wallets")
    assert (first.status_code, again.status_code, usd.status_code) == (201, 200, 201)
    assert first.json()["id"] == again.json()["id"] != usd.json()["id"]
    body = first.json()
    assert body["id"].startswith("wal_")
    assert body["currency"] == "INR" and body["mode"] == "test"
    assert (body["available"], body["held"], body["total"]) == (0, 0, 0)
    assert body["owner"] == {"type": "user", "id": alice.user_id}
    assert {w["id"] for w in listed.json()["data"]} == {body["id"], usd.json()["id"]}


async def test_test_and_live_wallets_never_mix(wallet_app: WalletApp) -> None:
    shop = merchant("test")
    live = shop.model_copy(update={"mode": "live"})
    test_wallet = await wallet_app.open_wallet(shop)
    live_wallet = await wallet_app.open_wallet(live)
    async with wallet_app.client(live) as client:
        seen = await client.get(f"/api/v1/wallets/{test_wallet}")
        listed = await client.get("/api/v1/wallets")
    assert test_wallet != live_wallet
    assert seen.status_code == 404
    assert [w["id"] for w in listed.json()["data"]] == [live_wallet]


async def test_only_the_owner_sees_a_wallet(wallet_app: WalletApp) -> None:
    wallet_id = await wallet_app.open_wallet(user())
    async with wallet_app.client(user()) as client:
        other = await client.get(f"/api/v1/wallets/{wallet_id}")
        missing = await client.get("/api/v1/wallets/wal_nope")
    assert other.status_code == missing.status_code == 404
    assert other.json()["error"]["code"] == "wallet_not_found"


async def test_bad_currency_is_refused(wallet_app: WalletApp) -> None:
    async with wallet_app.client(user()) as client:
        unknown = await client.post("/api/v1/wallets", json={"currency": "XYZ"})
        number = await client.post("/api/v1/wallets", json={"currency": 356})
        extra = await client.post("/api/v1/wallets", json={"currency": "INR", "x": 1})
        listed = await client.get("/api/v1/wallets")
    assert [r.status_code for r in (unknown, number, extra)] == [400, 400, 400]
    assert unknown.json()["error"]["param"] == "currency"
    assert listed.json()["data"] == []


async def test_only_owners_and_secret_keys_move_a_merchants_money(wallet_app: WalletApp) -> None:
    key = merchant()
    wallet_id = await wallet_app.funded(key, 1_000)
    payee = await wallet_app.open_wallet(user())
    dashboard = Caller(kind="user", user_id="usr_v", merchant_id=key.merchant_id, mode="test")
    results = {}
    for role in ("viewer", "developer", "owner"):
        async with wallet_app.client(dashboard.model_copy(update={"role": role})) as client:
            seen = await client.get(f"/api/v1/wallets/{wallet_id}")
            moved = await client.post(
                "/api/v1/transfers",
                json={
                    "fromWalletId": wallet_id,
                    "to": {"walletId": payee},
                    "amount": 100,
                    "currency": "INR",
                },
                headers={"Idempotency-Key": f"by-{role}"},
            )
        results[role] = (seen.status_code, moved.status_code)
    assert results == {"viewer": (200, 403), "developer": (200, 403), "owner": (200, 201)}
    assert (await wallet_app.balance(key, wallet_id))["available"] == 900


async def test_anonymous_callers_have_no_wallets(wallet_app: WalletApp) -> None:
    async with wallet_app.client(ANONYMOUS) as client:
        listed = await client.get("/api/v1/wallets")
        opened = await client.post("/api/v1/wallets", json={"currency": "INR"})
    assert listed.status_code == opened.status_code == 401
    assert opened.json()["error"]["code"] == "wallet_owner_unknown"
