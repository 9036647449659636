"""The service's own background sweep finishes movements a crash left behind."""

from __future__ import annotations

from typing import Any

import pytest

from devstack.waiting import eventually
from services.wallet.schemas import TransferCreate
from services.wallet.service import WalletService
from tests.services.wallet.conftest import WalletApp, user
from tests.services.wallet.test_recovery import Crash, crashing_core


@pytest.fixture
def wallet_settings() -> dict[str, Any]:
    return {"sweep_after_seconds": 0.5, "sweep_interval_seconds": 0.2}


async def test_the_running_service_finishes_a_movement_cut_short(wallet_app: WalletApp) -> None:
    alice, bob = user(), user()
    source = await wallet_app.funded(alice, 1_000)
    target = await wallet_app.open_wallet(bob)
    core = crashing_core(wallet_app, "mark_settled", 1, "after")
    service = WalletService(core.wallets, core.ledger_store, core.movements, alice)
    body = {"fromWalletId": source, "to": {"walletId": target}, "amount": 450, "currency": "INR"}
    with pytest.raises(Crash):
        await service.transfer("k", TransferCreate.model_validate(body))
    assert (await wallet_app.balance(bob, target))["available"] == 0

    async def credited() -> bool:
        return (await wallet_app.balance(bob, target))["available"] == 450

    await eventually(credited, timeout=15, what="the sweep to credit the target")
    assert (await wallet_app.balance(alice, source))["available"] == 550
