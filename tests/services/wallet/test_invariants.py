"""The invariant check notices money created out of nothing, gaps and double-applied legs."""

from __future__ import annotations

from services.wallet.invariants import check_ledger
from tests.services.wallet.conftest import WalletApp, user


async def test_the_check_catches_a_forged_entry(wallet_app: WalletApp) -> None:
    wallet_id = await wallet_app.funded(user(), 1_000)
    core = wallet_app.core()
    assert (await check_ledger(core.wallet_store, core.ledger_store)).ok
    entries = wallet_app.db["entries"]
    last = await entries.find_one({"walletId": wallet_id, "seq": 1})
    assert last is not None
    forged = {**last, "_id": f"{wallet_id}:{3:012d}", "seq": 3, "available": 2_000}
    await entries.insert_one(forged)
    try:
        report = await check_ledger(core.wallet_store, core.ledger_store)
    finally:
        await entries.delete_one({"_id": forged["_id"]})
    assert not report.ok
    assert report.total == 1_000
    assert any("sum to 1000" in p for p in report.problems)
    assert any("applied more than once" in p for p in report.problems)
    assert any("gaps" in p for p in report.problems)
