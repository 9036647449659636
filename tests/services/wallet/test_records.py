"""The typed records read and write the wallet's documents exactly as they are stored."""

from __future__ import annotations

import secrets

from services.wallet.records import HoldResolution, LedgerEntry, LegClaim, MovementRecord
from tests.services.wallet.conftest import PAYMENTS, WalletApp, merchant, user


async def test_entries_and_leg_claims_round_trip(wallet_app: WalletApp) -> None:
    alice, bob = user(), user()
    wallet_id = await wallet_app.funded(alice, 1_000)
    target = await wallet_app.open_wallet(bob)
    async with wallet_app.client(alice) as client:
        refused = await client.post(
            "/api/v1/transfers",
            json={
                "fromWalletId": wallet_id,
                "to": {"walletId": target},
                "amount": 5_000,
                "currency": "INR",
            },
            headers={"Idempotency-Key": secrets.token_hex(4)},
        )
    assert refused.status_code == 402, refused.text
    entries = await wallet_app.db["entries"].find({"walletId": wallet_id}).to_list()
    assert [entry["declined"] for entry in sorted(entries, key=lambda e: e["seq"])] == [
        False,
        True,
    ]
    for doc in entries:
        assert LedgerEntry.from_doc(doc).to_doc() == doc
    legs = await wallet_app.db["movement_legs"].find({"walletId": wallet_id}).to_list()
    markers = await wallet_app.db["movement_legs"].find({"entry.walletId": wallet_id}).to_list()
    assert len(legs) == len(markers) == 2
    for doc in legs:
        assert LegClaim.from_doc(doc).to_doc() == doc
    for marker in markers:
        assert LedgerEntry.from_doc(marker["entry"]).to_doc() == marker["entry"]


async def test_hold_resolutions_round_trip(wallet_app: WalletApp) -> None:
    alice, shop = user(), merchant()
    customer = await wallet_app.funded(alice, 1_000)
    shop_wallet = await wallet_app.open_wallet(shop)
    async with wallet_app.client(PAYMENTS) as client:
        held = [
            await client.post(
                "/internal/v1/holds",
                json={"walletId": customer, "amount": 300, "currency": "INR", "reference": ref},
            )
            for ref in (f"pay_{secrets.token_hex(4)}", f"pay_{secrets.token_hex(4)}")
        ]
        to_capture, to_release = (response.json()["id"] for response in held)
        captured = await client.post(
            f"/internal/v1/holds/{to_capture}/capture", json={"toWalletId": shop_wallet}
        )
        released = await client.post(f"/internal/v1/holds/{to_release}/release")
    assert (captured.json()["status"], released.json()["status"]) == ("captured", "released")
    resolutions = (
        await wallet_app.db["hold_resolutions"]
        .find({"_id": {"$in": [to_capture, to_release]}})
        .to_list()
    )
    assert sorted(doc["action"] for doc in resolutions) == ["capture", "release"]
    for doc in resolutions:
        assert HoldResolution.from_doc(doc).to_doc() == doc


async def test_movements_of_every_kind_round_trip(wallet_app: WalletApp) -> None:
    alice, shop = user(), merchant()
    customer = await wallet_app.funded(alice, 1_000)
    shop_wallet = await wallet_app.open_wallet(shop)
    declined_topup = await wallet_app.top_up(alice, customer, 199)
    assert declined_topup.status_code == 402, declined_topup.text
    async with wallet_app.client(alice) as client:
        for amount in (100, 5_000):  # one applied, one declined; neither with a note
            await client.post(
                "/api/v1/transfers",
                json={
                    "fromWalletId": customer,
                    "to": {"walletId": shop_wallet},
                    "amount": amount,
                    "currency": "INR",
                },
                headers={"Idempotency-Key": secrets.token_hex(4)},
            )
    async with wallet_app.client(PAYMENTS) as client:
        holds = [
            (
                await client.post(
                    "/internal/v1/holds",
                    json={"walletId": customer, "amount": 200, "currency": "INR", "reference": ref},
                )
            ).json()["id"]
            for ref in (f"pay_{secrets.token_hex(4)}", f"pay_{secrets.token_hex(4)}")
        ]
        await client.post(
            f"/internal/v1/holds/{holds[0]}/capture", json={"toWalletId": shop_wallet}
        )
        await client.post(f"/internal/v1/holds/{holds[1]}/release")
        await client.post(
            f"/internal/v1/holds/{holds[1]}/capture", json={"toWalletId": shop_wallet}
        )
        credited = await client.post(
            "/internal/v1/refund-credits",
            json={
                "fromWalletId": shop_wallet,
                "toWalletId": customer,
                "amount": 50,
                "currency": "INR",
                "reference": f"re_{secrets.token_hex(4)}",
            },
        )
    assert credited.status_code == 201, credited.text
    movements = await wallet_app.db["movements"].find({}).to_list()
    outcomes = {(doc["type"], doc["status"]) for doc in movements}
    assert outcomes >= {
        ("topup", "succeeded"),
        ("topup", "failed"),
        ("transfer", "succeeded"),
        ("transfer", "failed"),
        ("hold", "succeeded"),
        ("capture", "succeeded"),
        ("capture", "failed"),
        ("release", "succeeded"),
        ("refund_credit", "succeeded"),
    }
    for doc in movements:
        assert MovementRecord.from_doc(doc).to_doc() == doc
