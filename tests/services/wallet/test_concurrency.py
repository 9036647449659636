"""Racing requests never take a wallet below zero and settle exactly what the money allows."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from services.wallet.errors import HoldNotActive, InsufficientFunds
from services.wallet.schemas import HoldCapture, HoldCreate, TransferCreate
from services.wallet.service import WalletService
from tests.services.wallet.conftest import WalletApp, merchant, user


async def test_200_concurrent_transfers_drain_a_wallet_exactly(wallet_app: WalletApp) -> None:
    alice, bob = user(), user()
    source = await wallet_app.funded(alice, 10_000)
    target = await wallet_app.open_wallet(bob)
    async with wallet_app.client(alice) as client:
        responses = await asyncio.gather(
            *(
                client.post(
                    "/api/v1/transfers",
                    json={
                        "fromWalletId": source,
                        "to": {"walletId": target},
                        "amount": 333,
                        "currency": "INR",
                    },
                    headers={"Idempotency-Key": f"drain-{i}"},
                )
                for i in range(200)
            )
        )
    statuses = [r.status_code for r in responses]
    assert statuses.count(201) == 10_000 // 333 == 30
    assert statuses.count(402) == 170
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 402} == {
        "insufficient_funds"
    }
    assert await wallet_app.balance(alice, source) == {"available": 10, "held": 0, "total": 10}
    assert (await wallet_app.balance(bob, target))["available"] == 30 * 333


async def test_processes_racing_on_one_wallet_meet_only_in_the_database(
    wallet_app: WalletApp,
) -> None:
    """Ten independent service instances (each its own in-process lock and head cache), ten
    transfers each, all at once: only the unique insert of the next entry serialises them."""
    alice, bob = user(), user()
    source = await wallet_app.funded(alice, 2_000)
    target = await wallet_app.open_wallet(bob)
    instances = [wallet_app.core() for _ in range(10)]
    lost_races = 0
    for core in instances:
        append = core.ledger_store.append

        async def counted(entry: dict[str, Any], append: Any = append) -> bool:
            nonlocal lost_races
            won: bool = await append(entry)
            lost_races += not won
            return won

        core.ledger_store.append = counted  # type: ignore[method-assign]

    async def transfer(instance: int, n: int) -> bool:
        core = instances[instance]
        service = WalletService(core.wallets, core.ledger_store, core.movements, alice)
        body = TransferCreate.model_validate(
            {"fromWalletId": source, "to": {"walletId": target}, "amount": 70, "currency": "INR"}
        )
        try:
            await service.transfer(f"race-{instance}-{n}-{secrets.token_hex(2)}", body)
        except InsufficientFunds:
            return False
        return True

    outcomes = await asyncio.gather(*(transfer(i, n) for i in range(10) for n in range(10)))
    assert outcomes.count(True) == 2_000 // 70 == 28
    assert lost_races > 0  # the instances did race for the same positions
    assert await wallet_app.balance(alice, source) == {"available": 40, "held": 0, "total": 40}
    assert (await wallet_app.balance(bob, target))["available"] == 28 * 70


async def test_instances_racing_to_capture_and_release_a_hold_agree(wallet_app: WalletApp) -> None:
    alice, shop = user(), merchant()
    customer = await wallet_app.funded(alice, 1_000)
    shop_wallet = await wallet_app.open_wallet(shop)
    holds = [wallet_app.core().holds() for _ in range(8)]
    held = await holds[0].hold(
        HoldCreate.model_validate(
            {"walletId": customer, "amount": 700, "currency": "INR", "reference": "pay_race"}
        )
    )

    async def resolve(i: int) -> str:
        try:
            if i % 2:
                return (await holds[i].release(held.id)).status
            return (await holds[i].capture(held.id, HoldCapture(to_wallet_id=shop_wallet))).status
        except HoldNotActive:
            return "lost"

    outcomes = await asyncio.gather(*(resolve(i) for i in range(8)))
    winners = set(outcomes) - {"lost"}
    assert len(winners) == 1 and outcomes.count("lost") == 4
    shop_total = (await wallet_app.balance(shop, shop_wallet))["total"]
    assert shop_total == (700 if winners == {"captured"} else 0)
    assert (await wallet_app.balance(alice, customer))["total"] == 1_000 - shop_total
