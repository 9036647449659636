"""Dependencies of the wallet routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from services.wallet.auth_client import AuthClient
from services.wallet.core import WalletCore
from services.wallet.errors import IdempotencyKeyRequired
from services.wallet.holds import HoldService
from services.wallet.service import WalletService
from shared.app import Database, RuntimeDep
from shared.idempotency import HEADER
from shared.identity import CallerDep


async def wallet_core(request: Request, db: Database, runtime: RuntimeDep) -> WalletCore:
    return WalletCore.build(db, request.app.state.wallet_heads, runtime.outbox)


CoreDep = Annotated[WalletCore, Depends(wallet_core)]


async def wallet_service(request: Request, core: CoreDep, caller: CallerDep) -> WalletService:
    auth: AuthClient | None = getattr(request.app.state, "auth_client", None)
    return WalletService(core.wallets, core.ledger_store, core.movements, caller, auth)


async def hold_service(core: CoreDep) -> HoldService:
    return core.holds()


async def idempotency_key(key: Annotated[str | None, Header(alias=HEADER)] = None) -> str:
    if key is None:
        raise IdempotencyKeyRequired(
            f"Moving money needs an {HEADER} header, so a retry cannot move it twice.",
            param=HEADER,
        )
    return key


WalletServiceDep = Annotated[WalletService, Depends(wallet_service)]
HoldServiceDep = Annotated[HoldService, Depends(hold_service)]
IdempotencyKeyDep = Annotated[str, Depends(idempotency_key)]
