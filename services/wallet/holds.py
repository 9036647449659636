"""Holds, captures, releases and refund credits: what the payments service asks of wallets.

A capture pays the held money to another wallet, or out of Expe (a chargeback: into the
mode's funding wallet, where money enters and leaves the sandbox).

Each call is idempotent by construction: its movement id derives from the payment's reference
(holds, refund credits) or from the hold (capture, release), so calling again resumes or
replays the same movement. A hold has one outcome: capture and release claim it by a unique
insert (see movements.py), so of a racing capture and release exactly one happens.
"""

from __future__ import annotations

from services.wallet.errors import (
    CurrencyMismatch,
    HoldNotActive,
    HoldNotFound,
    InsufficientFunds,
    ModeMismatch,
    SameWallet,
    WalletNotFound,
    WalletNotOwned,
)
from services.wallet.movements import INSUFFICIENT_FUNDS, Movements, leg_plan, new_movement
from services.wallet.records import MovementRecord
from services.wallet.schemas import (
    Hold,
    HoldCapture,
    HoldCreate,
    Movement,
    RefundCreditCreate,
)
from services.wallet.service import Wallets, movement_view
from services.wallet.store import LedgerStore
from shared.ids import derived_id
from shared.mongo import Document


class HoldService:
    def __init__(self, wallets: Wallets, store: LedgerStore, movements: Movements) -> None:
        self._wallets = wallets
        self._store = store
        self._movements = movements

    async def _wallet(self, wallet_id: str, currency: str, param: str) -> Document:
        wallet = await self._wallets.store.get(wallet_id)
        if wallet is None or wallet.get("system"):
            raise WalletNotFound(f"No wallet {wallet_id} exists.", param=param)
        if wallet["currency"] != currency:
            raise CurrencyMismatch(
                f"Wallet {wallet_id} holds {wallet['currency']}, not {currency}.", param=param
            )
        return wallet

    async def hold(self, body: HoldCreate) -> Hold:
        wallet = await self._wallet(body.wallet_id, body.currency, "walletId")
        if body.owner_type is not None and (
            wallet["ownerType"] != body.owner_type or wallet["ownerId"] != body.owner_id
        ):
            raise WalletNotOwned(f"Wallet {body.wallet_id} is not yours.", param="walletId")
        if body.mode is not None and wallet["mode"] != body.mode:
            raise ModeMismatch("Test-mode and live-mode money never meet.", param="walletId")
        movement = new_movement(
            derived_id("txn", "hold", body.reference),
            "hold",
            # Without the optional fields a caller left out, so older holds keep their print.
            params=body.model_dump(by_alias=True, exclude_none=True),
            amount=body.amount,
            currency=body.currency,
            mode=wallet["mode"],
            legs=[leg_plan("hold", wallet, available=-body.amount, held=body.amount)],
            from_wallet_id=wallet["_id"],
            reference=body.reference,
        )
        stored = await self._movements.drive(await self._movements.start(movement))
        if stored.status == "failed" and stored.failure_code == INSUFFICIENT_FUNDS:
            assert stored.failure_message is not None  # a failed movement always says why
            raise InsufficientFunds(stored.failure_message, param="amount")
        return await self.view(stored)

    async def get(self, hold_id: str) -> Hold:
        return await self.view(await self._hold(hold_id))

    async def _hold(self, hold_id: str) -> MovementRecord:
        hold = await self._store.movement(hold_id)
        if hold is None or hold.type != "hold":
            raise HoldNotFound(f"No hold {hold_id} exists.")
        # A hold left pending by a crash is finished first, so it has a definite state.
        return await self._movements.drive(hold)

    async def capture(self, hold_id: str, body: HoldCapture) -> Hold:
        hold = await self._active(hold_id)
        if body.to_wallet_id is None:
            target = await self._wallets.funding(hold.currency, hold.mode)
        else:
            target = await self._wallet(body.to_wallet_id, hold.currency, "toWalletId")
        if target["mode"] != hold.mode:
            raise ModeMismatch("Test-mode and live-mode money never meet.", param="toWalletId")
        if target["_id"] == hold.from_wallet_id:
            raise SameWallet("A hold cannot be captured into its own wallet.", param="toWalletId")
        customer = await self._customer(hold)
        movement = new_movement(
            derived_id("txn", "capture", hold_id),
            "capture",
            params={"holdId": hold_id, "toWalletId": target["_id"]},
            amount=hold.amount,
            currency=hold.currency,
            mode=hold.mode,
            legs=[
                leg_plan("debit", customer, held=-hold.amount),
                leg_plan("credit", target, available=hold.amount),
            ],
            hold_id=hold_id,
            from_wallet_id=customer["_id"],
            to_wallet_id=target["_id"],
            reference=hold.reference,
        )
        return await self._resolve(hold, movement)

    async def release(self, hold_id: str) -> Hold:
        hold = await self._active(hold_id)
        customer = await self._customer(hold)
        movement = new_movement(
            derived_id("txn", "release", hold_id),
            "release",
            params={"holdId": hold_id},
            amount=hold.amount,
            currency=hold.currency,
            mode=hold.mode,
            legs=[leg_plan("release", customer, available=hold.amount, held=-hold.amount)],
            hold_id=hold_id,
            to_wallet_id=customer["_id"],
            reference=hold.reference,
        )
        return await self._resolve(hold, movement)

    async def _customer(self, hold: MovementRecord) -> Document:
        """The wallet the hold keeps money in."""
        customer = await self._wallets.store.get(_payer(hold))
        assert customer is not None
        return customer

    async def _active(self, hold_id: str) -> MovementRecord:
        hold = await self._hold(hold_id)
        if hold.status != "succeeded":
            raise HoldNotActive(f"Hold {hold_id} was declined: there is nothing to resolve.")
        return hold

    async def _resolve(self, hold: MovementRecord, movement: MovementRecord) -> Hold:
        stored = await self._movements.drive(await self._movements.start(movement))
        if stored.status == "failed":
            assert stored.failure_message is not None  # a failed movement always says why
            raise HoldNotActive(stored.failure_message)
        return await self.view(hold)

    async def view(self, hold: MovementRecord) -> Hold:
        status = {"pending": "pending", "failed": "declined", "succeeded": "held"}[hold.status]
        resolution = await self._store.resolution(hold.id)
        captured_to = None
        if resolution is not None:
            status = "captured" if resolution.action == "capture" else "released"
            if status == "captured":
                capture = await self._store.movement(resolution.movement_id)
                captured_to = capture.to_wallet_id if capture else None
        return Hold.model_validate(
            {
                "id": hold.id,
                "status": status,
                "walletId": _payer(hold),
                "amount": hold.amount,
                "currency": hold.currency,
                "reference": hold.reference,
                "resolutionId": resolution.movement_id if resolution else None,
                "capturedToWalletId": captured_to,
            }
        )

    async def refund_credit(self, body: RefundCreditCreate) -> Movement:
        merchant = await self._wallet(body.from_wallet_id, body.currency, "fromWalletId")
        customer = await self._wallet(body.to_wallet_id, body.currency, "toWalletId")
        if merchant["_id"] == customer["_id"]:
            raise SameWallet("A refund needs two different wallets.", param="toWalletId")
        if merchant["mode"] != customer["mode"]:
            raise ModeMismatch("Test-mode and live-mode money never meet.", param="toWalletId")
        movement = new_movement(
            derived_id("txn", "refund_credit", body.reference),
            "refund_credit",
            params=body.model_dump(by_alias=True),
            amount=body.amount,
            currency=body.currency,
            mode=merchant["mode"],
            legs=[
                leg_plan("debit", merchant, available=-body.amount),
                leg_plan("credit", customer, available=body.amount),
            ],
            from_wallet_id=merchant["_id"],
            to_wallet_id=customer["_id"],
            reference=body.reference,
        )
        stored = await self._movements.drive(await self._movements.start(movement))
        if stored.status == "failed":
            assert stored.failure_message is not None  # a failed movement always says why
            raise InsufficientFunds(stored.failure_message, param="amount")
        return movement_view(stored)


def _payer(hold: MovementRecord) -> str:
    assert hold.from_wallet_id is not None  # a hold always names the wallet it holds money in
    return hold.from_wallet_id
