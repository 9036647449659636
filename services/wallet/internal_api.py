"""Routes for other services of the mesh (payments): holds, captures, releases, refund credits."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Response

from services.wallet.deps import CoreDep, HoldServiceDep
from services.wallet.errors import WalletNotFound
from services.wallet.invariants import check_ledger
from services.wallet.schemas import (
    Hold,
    HoldCapture,
    HoldCreate,
    LedgerCheck,
    MerchantWalletOpen,
    Movement,
    RefundCreditCreate,
    SweepRequest,
    SweepResult,
    Wallet,
)
from shared.identity import require_service

router = APIRouter(
    prefix="/internal/v1", tags=["internal"], dependencies=[Depends(require_service)]
)


@router.post("/merchant-wallets", status_code=201, response_model_by_alias=True)
async def open_merchant_wallet(
    body: MerchantWalletOpen, core: CoreDep, response: Response
) -> Wallet:
    """The merchant's wallet in this currency and mode: opened (201) or the one open (200)."""
    wallet, created = await core.wallets.open(
        "merchant", body.merchant_id, body.mode, body.currency
    )
    if not created:
        response.status_code = 200
    return await core.wallets.view(wallet)


@router.get("/wallets/{wallet_id}", response_model_by_alias=True)
async def get_wallet(wallet_id: str, core: CoreDep) -> Wallet:
    """Any user's or merchant's wallet: its owner, currency, mode and balances."""
    wallet = await core.wallets.store.get(wallet_id)
    if wallet is None or wallet.get("system"):
        raise WalletNotFound(f"No wallet {wallet_id} exists.")
    return await core.wallets.view(wallet)


@router.post("/holds", status_code=201, response_model_by_alias=True)
async def create_hold(body: HoldCreate, holds: HoldServiceDep) -> Hold:
    """Moves the amount from available to held; once per reference (402 without the funds)."""
    return await holds.hold(body)


@router.get("/holds/{hold_id}", response_model_by_alias=True)
async def get_hold(hold_id: str, holds: HoldServiceDep) -> Hold:
    """The hold and its outcome."""
    return await holds.get(hold_id)


@router.post("/holds/{hold_id}/capture", response_model_by_alias=True)
async def capture_hold(hold_id: str, body: HoldCapture, holds: HoldServiceDep) -> Hold:
    """Pays the held amount to another wallet; again with the same wallet returns the same."""
    return await holds.capture(hold_id, body)


@router.post("/holds/{hold_id}/release", response_model_by_alias=True)
async def release_hold(hold_id: str, holds: HoldServiceDep) -> Hold:
    """Returns the held amount to available; again returns the same."""
    return await holds.release(hold_id)


@router.post("/refund-credits", status_code=201, response_model_by_alias=True)
async def create_refund_credit(body: RefundCreditCreate, holds: HoldServiceDep) -> Movement:
    """Moves a refund from the merchant's wallet to the customer's; once per reference."""
    return await holds.refund_credit(body)


@router.post("/ledger/sweep", response_model_by_alias=True)
async def sweep(core: CoreDep, body: SweepRequest | None = None) -> SweepResult:
    """Runs the recovery sweep once now, over movements older than `olderThanSeconds`."""
    older_than = timedelta(seconds=(body or SweepRequest()).older_than_seconds)
    return SweepResult(driven=await core.movements.sweep_once(older_than, limit=10_000))


@router.get("/ledger/invariants", response_model_by_alias=True)
async def ledger_invariants(core: CoreDep) -> LedgerCheck:
    """Checks the whole ledger (reads every entry): sums to zero, chains consistent, none < 0."""
    report = await check_ledger(core.wallet_store, core.ledger_store)
    return LedgerCheck(
        ok=report.ok,
        entries=report.entries,
        total=report.total,
        unfinished=report.unfinished,
        problems=report.problems,
    )
