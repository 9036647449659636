"""Top-ups and transfers over HTTP: outcomes, idempotency, bad input moving nothing, events."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from tests.services.conftest import INSTANT
from tests.services.wallet.conftest import WalletApp, merchant, user


def transfer_body(source: str, target: str, amount: Any, currency: str = "INR") -> dict[str, Any]:
    return {
        "fromWalletId": source,
        "to": {"walletId": target},
        "amount": amount,
        "currency": currency,
    }


async def test_top_up_credits_the_wallet_from_the_funding_wallet(wallet_app: WalletApp) -> None:
    alice = user()
    wallet_id = await wallet_app.open_wallet(alice)
    response = await wallet_app.top_up(alice, wallet_id, 10_050)
    body = response.json()
    assert response.status_code == 201
    assert body["id"].startswith("txn_") and body["type"] == "topup"
    assert body["status"] == "succeeded" and body["amount"] == 10_050
    assert body["toWalletId"] == wallet_id and body["source"]["type"] == "bank"
    assert await wallet_app.balance(alice, wallet_id) == {
        "available": 10_050,
        "held": 0,
        "total": 10_050,
    }
    # The answer's times are the ones a later read gives: milliseconds, in UTC, with Z.
    async with wallet_app.client(alice) as client:
        read = (await client.get(f"/api/v1/topups/{body['id']}")).json()
    assert (read["createdAt"], read["finishedAt"]) == (body["createdAt"], body["finishedAt"])
    assert all(INSTANT.fullmatch(body[field]) for field in ("createdAt", "finishedAt"))


async def test_top_up_ending_in_99_is_declined_and_moves_nothing(wallet_app: WalletApp) -> None:
    alice = user()
    wallet_id = await wallet_app.open_wallet(alice)
    response = await wallet_app.top_up(alice, wallet_id, 10_099)
    assert response.status_code == 402
    assert response.json()["error"]["code"] == "topup_declined"
    assert response.json()["error"]["type"] == "payment_error"
    assert (await wallet_app.balance(alice, wallet_id))["total"] == 0


async def test_moving_money_needs_an_idempotency_key(wallet_app: WalletApp) -> None:
    alice = user()
    wallet_id = await wallet_app.open_wallet(alice)
    async with wallet_app.client(alice) as client:
        response = await client.post(
            "/api/v1/topups",
            json={"walletId": wallet_id, "amount": 100, "source": {"type": "upi"}},
        )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_required"
    assert (await wallet_app.balance(alice, wallet_id))["total"] == 0


async def test_same_key_replays_and_another_body_is_refused(wallet_app: WalletApp) -> None:
    alice, bob = user(), user()
    source = await wallet_app.funded(alice, 1_000)
    target = await wallet_app.open_wallet(bob)
    key = {"Idempotency-Key": secrets.token_hex(8)}
    async with wallet_app.client(alice) as client:
        first = await client.post(
            "/api/v1/transfers", json=transfer_body(source, target, 300), headers=key
        )
        again = await client.post(
            "/api/v1/transfers", json=transfer_body(source, target, 300), headers=key
        )
        other = await client.post(
            "/api/v1/transfers", json=transfer_body(source, target, 301), headers=key
        )
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_key_reused"
    assert (await wallet_app.balance(alice, source))["available"] == 700
    assert (await wallet_app.balance(bob, target))["available"] == 300


async def test_transfer_moves_money_and_records_one_event_per_leg(wallet_app: WalletApp) -> None:
    alice, shop = user(), merchant()
    source = await wallet_app.funded(alice, 5_000)
    target = await wallet_app.open_wallet(shop)
    async with wallet_app.client(alice) as client:
        response = await client.post(
            "/api/v1/transfers",
            json={**transfer_body(source, target, 1_234), "note": "chai"},
            headers={"Idempotency-Key": "k1"},
        )
    movement = response.json()
    assert response.status_code == 201
    assert movement["status"] == "succeeded" and movement["note"] == "chai"
    assert (await wallet_app.balance(alice, source))["available"] == 3_766
    assert (await wallet_app.balance(shop, target))["available"] == 1_234
    events = (
        await wallet_app.db["outbox"].find({"envelope.data.movementId": movement["id"]}).to_list()
    )
    assert sorted((e["topic"], e["key"], e["envelope"]["data"]["amount"]) for e in events) == [
        ("wallet.credited", target, 1_234),
        ("wallet.debited", source, 1_234),
    ]
    credited = next(e for e in events if e["topic"] == "wallet.credited")
    assert credited["envelope"]["merchantId"] == shop.merchant_id


async def test_insufficient_funds_is_402_and_moves_nothing(wallet_app: WalletApp) -> None:
    alice, bob = user(), user()
    source = await wallet_app.funded(alice, 500)
    target = await wallet_app.open_wallet(bob)
    async with wallet_app.client(alice) as client:
        response = await client.post(
            "/api/v1/transfers",
            json=transfer_body(source, target, 501),
            headers={"Idempotency-Key": "k"},
        )
    assert response.status_code == 402
    assert response.json()["error"]["code"] == "insufficient_funds"
    assert response.json()["error"]["type"] == "payment_error"
    assert (await wallet_app.balance(alice, source))["available"] == 500
    assert (await wallet_app.balance(bob, target))["available"] == 0


@pytest.mark.parametrize(
    ("amount", "param"),
    [
        (0, "amount"),
        (-5, "amount"),
        (1.5, "amount"),
        (100.0, "amount"),
        ("100", "amount"),
        (True, "amount"),
        (10**15 + 1, "amount"),
        (10**30, "amount"),
    ],
)
async def test_bad_amounts_are_refused_and_move_nothing(
    wallet_app: WalletApp, amount: Any, param: str
) -> None:
    alice, bob = user(), user()
    source = await wallet_app.funded(alice, 1_000)
    target = await wallet_app.open_wallet(bob)
    async with wallet_app.client(alice) as client:
        response = await client.post(
            "/api/v1/transfers",
            json=transfer_body(source, target, amount),
            headers={"Idempotency-Key": secrets.token_hex(4)},
        )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == param
    assert (await wallet_app.balance(alice, source))["available"] == 1_000


async def test_bad_transfers_are_refused_and_move_nothing(wallet_app: WalletApp) -> None:
    alice, bob = user(), user()
    source = await wallet_app.funded(alice, 1_000)
    target = await wallet_app.open_wallet(bob)
    dollars = await wallet_app.open_wallet(bob, "USD")
    stranger = await wallet_app.funded(bob, 1_000)
    cases = {
        "same_wallet": transfer_body(source, source, 10),
        "currency_mismatch": transfer_body(source, dollars, 10),
        "wrong_currency": transfer_body(source, target, 10, "USD"),
        "unknown_currency": transfer_body(source, target, 10, "ABC"),
        "unknown_target": transfer_body(source, "wal_nope", 10),
        "not_my_wallet": transfer_body(stranger, target, 10),
        "extra_field": {**transfer_body(source, target, 10), "fee": 1},
    }
    async with wallet_app.client(alice) as client:
        codes = {}
        for name, body in cases.items():
            response = await client.post(
                "/api/v1/transfers", json=body, headers={"Idempotency-Key": name}
            )
            codes[name] = (response.status_code, response.json()["error"]["code"])
        malformed = await client.post(
            "/api/v1/transfers",
            content=b'{"amount": 1',
            headers={"Idempotency-Key": "malformed", "content-type": "application/json"},
        )
    assert codes == {
        "same_wallet": (400, "same_wallet"),
        "currency_mismatch": (400, "currency_mismatch"),
        "wrong_currency": (400, "currency_mismatch"),
        "unknown_currency": (400, "parameter_invalid"),
        "unknown_target": (404, "wallet_not_found"),
        "not_my_wallet": (404, "wallet_not_found"),
        "extra_field": (400, "parameter_invalid"),
    }
    assert (malformed.status_code, malformed.json()["error"]["code"]) == (400, "invalid_json")
    assert (await wallet_app.balance(alice, source))["available"] == 1_000
    assert (await wallet_app.balance(bob, stranger))["available"] == 1_000
    assert await wallet_app.db["movements"].count_documents({"type": "transfer"}) == 0


async def test_both_sides_see_a_transfer_and_nobody_else(wallet_app: WalletApp) -> None:
    alice, bob = user(), user()
    source = await wallet_app.funded(alice, 1_000)
    target = await wallet_app.open_wallet(bob)
    async with wallet_app.client(alice) as client:
        created = await client.post(
            "/api/v1/transfers",
            json=transfer_body(source, target, 10),
            headers={"Idempotency-Key": "seen"},
        )
    path = f"/api/v1/transfers/{created.json()['id']}"
    seen = {}
    for name, caller in (("alice", alice), ("bob", bob), ("eve", user())):
        async with wallet_app.client(caller) as client:
            seen[name] = (await client.get(path)).status_code
        async with wallet_app.client(caller) as client:
            as_topup = await client.get(f"/api/v1/topups/{created.json()['id']}")
        assert as_topup.status_code == 404
    assert seen == {"alice": 200, "bob": 200, "eve": 404}
