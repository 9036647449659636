"""Holds, captures, releases and refund credits: the internal routes payments calls."""

from __future__ import annotations

import asyncio
import secrets

import httpx

from tests.services.wallet.conftest import PAYMENTS, WalletApp, merchant, user
from tests.signing import GATEWAY


async def hold(client: httpx.AsyncClient, wallet_id: str, amount: int, ref: str) -> httpx.Response:
    return await client.post(
        "/internal/v1/holds",
        json={"walletId": wallet_id, "amount": amount, "currency": "INR", "reference": ref},
    )


async def test_hold_then_capture_pays_the_merchant_once(wallet_app: WalletApp) -> None:
    alice, shop = user(), merchant()
    customer = await wallet_app.funded(alice, 1_000)
    shop_wallet = await wallet_app.open_wallet(shop)
    async with wallet_app.client(PAYMENTS) as client:
        held = await hold(client, customer, 600, "pay_1")
        held_again = await hold(client, customer, 600, "pay_1")
        after_hold = await wallet_app.balance(alice, customer)
        hold_id = held.json()["id"]
        capture = f"/internal/v1/holds/{hold_id}/capture"
        captured = await client.post(capture, json={"toWalletId": shop_wallet})
        captured_again = await client.post(capture, json={"toWalletId": shop_wallet})
        released = await client.post(f"/internal/v1/holds/{hold_id}/release")
        elsewhere = await client.post(capture, json={"toWalletId": customer})
    assert held.status_code == held_again.status_code == 201
    assert held.json() == held_again.json()
    assert held.json()["status"] == "held" and held.json()["reference"] == "pay_1"
    assert after_hold == {"available": 400, "held": 600, "total": 1_000}
    assert captured.status_code == captured_again.status_code == 200
    assert captured.json()["status"] == "captured"
    assert captured.json()["capturedToWalletId"] == shop_wallet
    assert (released.status_code, released.json()["error"]["code"]) == (409, "hold_not_active")
    assert elsewhere.status_code in (400, 409)
    assert await wallet_app.balance(alice, customer) == {"available": 400, "held": 0, "total": 400}
    assert await wallet_app.balance(shop, shop_wallet) == {
        "available": 600,
        "held": 0,
        "total": 600,
    }


async def test_release_returns_the_money_and_capture_then_fails(wallet_app: WalletApp) -> None:
    alice, shop = user(), merchant()
    customer = await wallet_app.funded(alice, 1_000)
    shop_wallet = await wallet_app.open_wallet(shop)
    async with wallet_app.client(PAYMENTS) as client:
        hold_id = (await hold(client, customer, 250, "pay_2")).json()["id"]
        released = await client.post(f"/internal/v1/holds/{hold_id}/release")
        again = await client.post(f"/internal/v1/holds/{hold_id}/release")
        captured = await client.post(
            f"/internal/v1/holds/{hold_id}/capture", json={"toWalletId": shop_wallet}
        )
        shown = await client.get(f"/internal/v1/holds/{hold_id}")
    assert released.json()["status"] == again.json()["status"] == "released"
    assert (captured.status_code, captured.json()["error"]["code"]) == (409, "hold_not_active")
    assert shown.json()["status"] == "released"
    assert await wallet_app.balance(alice, customer) == {
        "available": 1_000,
        "held": 0,
        "total": 1_000,
    }
    assert (await wallet_app.balance(shop, shop_wallet))["total"] == 0


async def test_hold_without_funds_is_declined(wallet_app: WalletApp) -> None:
    alice = user()
    customer = await wallet_app.funded(alice, 100)
    async with wallet_app.client(PAYMENTS) as client:
        declined = await hold(client, customer, 101, "pay_3")
        again = await hold(client, customer, 101, "pay_3")
        other_amount = await hold(client, customer, 50, "pay_3")
    assert declined.status_code == again.status_code == 402
    assert declined.json()["error"]["code"] == "insufficient_funds"
    assert (other_amount.status_code, other_amount.json()["error"]["code"]) == (
        409,
        "idempotency_key_reused",
    )
    assert await wallet_app.balance(alice, customer) == {"available": 100, "held": 0, "total": 100}


async def test_racing_captures_and_releases_have_one_outcome(wallet_app: WalletApp) -> None:
    alice, shop = user(), merchant()
    customer = await wallet_app.funded(alice, 1_000)
    shop_wallet = await wallet_app.open_wallet(shop)
    for round_ in range(3):
        async with wallet_app.client(PAYMENTS) as client:
            hold_id = (await hold(client, customer, 100, f"race_{round_}")).json()["id"]
            calls = [
                client.post(
                    f"/internal/v1/holds/{hold_id}/capture", json={"toWalletId": shop_wallet}
                )
                for _ in range(10)
            ] + [client.post(f"/internal/v1/holds/{hold_id}/release") for _ in range(10)]
            responses = await asyncio.gather(*calls)
        won = {r.json()["status"] for r in responses if r.status_code == 200}
        lost = [r for r in responses if r.status_code != 200]
        assert len(won) == 1
        assert {(r.status_code, r.json()["error"]["code"]) for r in lost} <= {
            (409, "hold_not_active")
        }
        assert len(lost) == 10  # every call of the losing kind, none of the winning kind
    shop_total = (await wallet_app.balance(shop, shop_wallet))["total"]
    customer_balance = await wallet_app.balance(alice, customer)
    assert customer_balance["held"] == 0
    assert customer_balance["total"] + shop_total == 1_000


async def test_refund_credit_moves_money_back_once_per_reference(wallet_app: WalletApp) -> None:
    alice, shop = user(), merchant()
    customer = await wallet_app.open_wallet(alice)
    shop_wallet = await wallet_app.funded(shop, 1_000)
    body = {
        "fromWalletId": shop_wallet,
        "toWalletId": customer,
        "amount": 300,
        "currency": "INR",
        "reference": "re_1",
    }
    async with wallet_app.client(PAYMENTS) as client:
        first = await client.post("/internal/v1/refund-credits", json=body)
        again = await client.post("/internal/v1/refund-credits", json=body)
        too_much = await client.post(
            "/internal/v1/refund-credits", json={**body, "amount": 800, "reference": "re_2"}
        )
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["type"] == "refund_credit" and first.json()["status"] == "succeeded"
    assert (too_much.status_code, too_much.json()["error"]["code"]) == (402, "insufficient_funds")
    assert (await wallet_app.balance(shop, shop_wallet))["available"] == 700
    assert (await wallet_app.balance(alice, customer))["available"] == 300


async def test_internal_routes_refuse_everyone_but_services(wallet_app: WalletApp) -> None:
    alice = user()
    customer = await wallet_app.funded(alice, 1_000)
    for caller in (alice, merchant(), GATEWAY):
        async with wallet_app.client(caller) as client:
            response = await hold(client, customer, 10, secrets.token_hex(4))
        assert response.status_code == 403
    assert await wallet_app.balance(alice, customer) == {
        "available": 1_000,
        "held": 0,
        "total": 1_000,
    }


async def test_services_can_run_the_sweep_and_check_the_ledger(wallet_app: WalletApp) -> None:
    await wallet_app.funded(user(), 1_000)
    async with wallet_app.client(PAYMENTS) as client:
        swept = await client.post("/internal/v1/ledger/sweep", json={"olderThanSeconds": 0})
        checked = await client.get("/internal/v1/ledger/invariants")
    async with wallet_app.client(user()) as client:
        refused = await client.get("/internal/v1/ledger/invariants")
    assert swept.json() == {"driven": 0}
    assert checked.json() == {
        "ok": True,
        "entries": 2,
        "total": 0,
        "unfinished": 0,
        "problems": [],
    }
    assert refused.status_code == 403


async def test_a_hold_is_never_captured_across_modes_or_currencies(wallet_app: WalletApp) -> None:
    alice, shop = user(), merchant()
    customer = await wallet_app.funded(alice, 1_000)
    live_shop = await wallet_app.open_wallet(shop.model_copy(update={"mode": "live"}))
    dollar_shop = await wallet_app.open_wallet(shop, "USD")
    async with wallet_app.client(PAYMENTS) as client:
        hold_id = (await hold(client, customer, 100, "pay_modes")).json()["id"]
        capture = f"/internal/v1/holds/{hold_id}/capture"
        to_live = await client.post(capture, json={"toWalletId": live_shop})
        to_dollars = await client.post(capture, json={"toWalletId": dollar_shop})
        wrong_currency = await client.post(
            "/internal/v1/holds",
            json={"walletId": customer, "amount": 1, "currency": "USD", "reference": "pay_usd"},
        )
        shown = await client.get(f"/internal/v1/holds/{hold_id}")
        await client.post(f"/internal/v1/holds/{hold_id}/release")
    assert (to_live.status_code, to_live.json()["error"]["code"]) == (400, "mode_mismatch")
    assert (to_dollars.status_code, to_dollars.json()["error"]["code"]) == (
        400,
        "currency_mismatch",
    )
    assert wrong_currency.json()["error"]["code"] == "currency_mismatch"
    assert shown.json()["status"] == "held"
