"""Who may do what with payments, and the service each route gets."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from services.payments.refunds import RefundService
from services.payments.service import PaymentService
from services.payments.settings import PaymentsSettings
from services.payments.store import PaymentStore
from shared.app import RuntimeDep
from shared.identity import CallerDep
from shared.scopes import Scope, scope_of, writer


async def checkout(caller: CallerDep) -> Scope:
    """The hosted checkout: publishable or secret keys, owners and developers."""
    if caller.kind == "api_key":
        return scope_of(caller)
    return await writer(caller)


async def payment_service(request: Request, runtime: RuntimeDep) -> PaymentService:
    settings = cast(PaymentsSettings, runtime.settings)
    wallet = getattr(request.app.state, "wallet_client", None)
    return PaymentService(PaymentStore(runtime.db), runtime.outbox, settings, wallet=wallet)


async def refund_service(
    runtime: RuntimeDep, payments: Annotated[PaymentService, Depends(payment_service)]
) -> RefundService:
    return RefundService(payments, PaymentStore(runtime.db), runtime.outbox, wallet=payments.wallet)


Checkout = Annotated[Scope, Depends(checkout)]
Payments = Annotated[PaymentService, Depends(payment_service)]
Refunds = Annotated[RefundService, Depends(refund_service)]
