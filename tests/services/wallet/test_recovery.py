"""Crash safety without killing processes: the service stops between two steps (a store call
raises), then the recovery sweep or the client's retry finishes the movement. Money moves
exactly once or not at all, each leg's event is written once, and the ledger invariants hold
(asserted by the `wallet_app` fixture after every test)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from services.wallet.core import WalletCore
from services.wallet.holds import HoldService
from services.wallet.ledger import Heads, Ledger
from services.wallet.movements import Movements
from services.wallet.records import HoldResolution, LedgerEntry, LegClaim, MovementRecord
from services.wallet.schemas import HoldCapture, HoldCreate, TransferCreate
from services.wallet.service import Wallets, WalletService
from services.wallet.store import LedgerStore, WalletStore
from shared.events.outbox import Outbox
from tests.services.wallet.conftest import PAYMENTS, WalletApp, merchant, user


class Crash(Exception):
    """The process 'dies' here."""


class CrashingStore(LedgerStore):
    """The ledger store, dying before or after the nth call of one method."""

    def __init__(self, db: AsyncDatabase[Any], method: str, nth: int, when: str) -> None:
        super().__init__(db)
        self._at = (method, nth, when)
        self._calls: dict[str, int] = {}

    def _step(self, method: str, when: str) -> None:
        if when == "before":
            self._calls[method] = self._calls.get(method, 0) + 1
        if self._at == (method, self._calls.get(method, 0), when):
            raise Crash(f"{when} {method} #{self._calls[method]}")

    async def insert_movement(self, movement: MovementRecord) -> MovementRecord:
        self._step("insert_movement", "before")
        result = await super().insert_movement(movement)
        self._step("insert_movement", "after")
        return result

    async def claim_leg(self, leg: LegClaim) -> LegClaim:
        self._step("claim_leg", "before")
        result = await super().claim_leg(leg)
        self._step("claim_leg", "after")
        return result

    async def append(self, entry: LedgerEntry) -> bool:
        self._step("append", "before")
        result = await super().append(entry)
        self._step("append", "after")
        return result

    async def mark_settled(self, leg_id: str, entry: LedgerEntry) -> None:
        self._step("mark_settled", "before")
        await super().mark_settled(leg_id, entry)
        self._step("mark_settled", "after")

    async def set_status(self, finished: MovementRecord) -> None:
        self._step("set_status", "before")
        await super().set_status(finished)
        self._step("set_status", "after")

    async def claim_resolution(self, resolution: HoldResolution) -> HoldResolution:
        self._step("claim_resolution", "before")
        result = await super().claim_resolution(resolution)
        self._step("claim_resolution", "after")
        return result


def crashing_core(app: WalletApp, method: str, nth: int, when: str) -> WalletCore:
    store = CrashingStore(app.db, method, nth, when)
    wallet_store = WalletStore(app.db)
    ledger = Ledger(store, wallet_store, Outbox(app.db, "wallet"), Heads())
    return WalletCore(
        wallet_store, store, ledger, Wallets(wallet_store, ledger), Movements(store, ledger)
    )


async def sweep(app: WalletApp) -> int:
    core = WalletCore.build(app.db, Heads(), Outbox(app.db, "wallet"))
    return await core.movements.sweep_once(timedelta(0))


# Every step of a two-leg movement at which the process may die.
CRASH_POINTS = [
    ("insert_movement", 1, "after"),
    ("claim_leg", 1, "after"),
    ("append", 1, "before"),
    ("append", 1, "after"),
    ("mark_settled", 1, "before"),
    ("mark_settled", 1, "after"),
    ("claim_leg", 2, "after"),
    ("append", 2, "after"),
    ("mark_settled", 2, "before"),
    ("set_status", 1, "before"),
    ("set_status", 1, "after"),
]


@pytest.mark.parametrize("recovery", ["sweep", "retry"])
@pytest.mark.parametrize(("method", "nth", "when"), CRASH_POINTS)
async def test_a_transfer_cut_short_happens_exactly_once(
    wallet_app: WalletApp, method: str, nth: int, when: str, recovery: str
) -> None:
    alice, bob = user(), user()
    source = await wallet_app.funded(alice, 1_000)
    target = await wallet_app.open_wallet(bob)
    body = {"fromWalletId": source, "to": {"walletId": target}, "amount": 300, "currency": "INR"}
    core = crashing_core(wallet_app, method, nth, when)
    service = WalletService(core.wallets, core.ledger_store, core.movements, alice)
    with pytest.raises(Crash):
        await service.transfer("crash-key", TransferCreate.model_validate(body))

    if recovery == "sweep":
        finished_before_crash = (method, when) == ("set_status", "after")
        assert await sweep(wallet_app) == (0 if finished_before_crash else 1)
    else:
        async with wallet_app.client(alice) as client:
            retried = await client.post(
                "/api/v1/transfers", json=body, headers={"Idempotency-Key": "crash-key"}
            )
        assert retried.status_code == 201, retried.text
        assert retried.json()["status"] == "succeeded"

    assert (await wallet_app.balance(alice, source))["available"] == 700
    assert (await wallet_app.balance(bob, target))["available"] == 300
    movement_id = service.movement_id("transfer", "crash-key")
    movement = await wallet_app.db["movements"].find_one({"_id": movement_id})
    assert movement is not None and movement["status"] == "succeeded"
    assert await sweep(wallet_app) == 0  # nothing left to drive; stale in-flight marks dropped
    assert await wallet_app.db["movements_pending"].count_documents({}) == 0
    events = await wallet_app.db["outbox"].find({"envelope.data.movementId": movement_id}).to_list()
    assert sorted(e["topic"] for e in events) == ["wallet.credited", "wallet.debited"]


async def test_a_transfer_cut_short_before_it_was_stored_never_happened(
    wallet_app: WalletApp,
) -> None:
    alice, bob = user(), user()
    source = await wallet_app.funded(alice, 1_000)
    target = await wallet_app.open_wallet(bob)
    body = {"fromWalletId": source, "to": {"walletId": target}, "amount": 300, "currency": "INR"}
    core = crashing_core(wallet_app, "insert_movement", 1, "before")
    service = WalletService(core.wallets, core.ledger_store, core.movements, alice)
    with pytest.raises(Crash):
        await service.transfer("early", TransferCreate.model_validate(body))
    assert await sweep(wallet_app) == 0
    assert await wallet_app.db["movements_pending"].count_documents({}) == 0
    assert (await wallet_app.balance(alice, source))["available"] == 1_000
    async with wallet_app.client(alice) as client:
        retried = await client.post(
            "/api/v1/transfers", json=body, headers={"Idempotency-Key": "early"}
        )
    assert retried.json()["status"] == "succeeded"
    assert (await wallet_app.balance(bob, target))["available"] == 300


@pytest.mark.parametrize(
    ("method", "nth", "when", "declined_before_crash"),
    [
        ("insert_movement", 1, "after", False),
        ("claim_leg", 1, "after", False),
        ("append", 1, "before", False),
        ("append", 1, "after", True),
        ("mark_settled", 1, "before", True),
    ],
)
async def test_a_declined_debit_stays_declined_when_funds_arrive_later(
    wallet_app: WalletApp, method: str, nth: int, when: str, declined_before_crash: bool
) -> None:
    alice, bob = user(), user()
    source = await wallet_app.funded(alice, 100)
    target = await wallet_app.open_wallet(bob)
    body = {"fromWalletId": source, "to": {"walletId": target}, "amount": 300, "currency": "INR"}
    core = crashing_core(wallet_app, method, nth, when)
    service = WalletService(core.wallets, core.ledger_store, core.movements, alice)
    with pytest.raises(Crash):
        await service.transfer("poor-key", TransferCreate.model_validate(body))
    assert (await wallet_app.top_up(alice, source, 1_000)).status_code == 201
    assert await sweep(wallet_app) == 1
    movement = await wallet_app.db["movements"].find_one(
        {"_id": service.movement_id("transfer", "poor-key")}
    )
    assert movement is not None
    if declined_before_crash:
        # The chain already holds the refusal: later funds cannot revive the debit.
        assert movement["status"] == "failed"
        assert (await wallet_app.balance(alice, source))["available"] == 1_100
        assert (await wallet_app.balance(bob, target))["available"] == 0
    else:
        # The process died before the chain decided: the sweep decides with today's funds.
        assert movement["status"] == "succeeded"
        assert (await wallet_app.balance(alice, source))["available"] == 800
        assert (await wallet_app.balance(bob, target))["available"] == 300


@pytest.mark.parametrize(
    ("method", "nth", "when"),
    [("claim_resolution", 1, "after"), ("claim_leg", 1, "after"), ("append", 2, "after")],
)
async def test_a_capture_cut_short_wins_over_a_later_release(
    wallet_app: WalletApp, method: str, nth: int, when: str
) -> None:
    alice, shop = user(), merchant()
    customer = await wallet_app.funded(alice, 1_000)
    shop_wallet = await wallet_app.open_wallet(shop)
    holds = wallet_app.core().holds()
    held = await holds.hold(
        HoldCreate.model_validate(
            {"walletId": customer, "amount": 400, "currency": "INR", "reference": "pay_c"}
        )
    )
    core = crashing_core(wallet_app, method, nth, when)
    crashing = HoldService(core.wallets, core.ledger_store, core.movements)
    with pytest.raises(Crash):
        await crashing.capture(held.id, HoldCapture(to_wallet_id=shop_wallet))
    async with wallet_app.client(PAYMENTS) as client:
        released = await client.post(f"/internal/v1/holds/{held.id}/release")
    assert (released.status_code, released.json()["error"]["code"]) == (409, "hold_not_active")
    assert await sweep(wallet_app) == 1
    assert await wallet_app.balance(alice, customer) == {"available": 600, "held": 0, "total": 600}
    assert (await wallet_app.balance(shop, shop_wallet))["available"] == 400
