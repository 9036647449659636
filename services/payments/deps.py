"""Who may do what with payments, and the service each route gets."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from services.payments.refunds import RefundService
from services.payments.service import PaymentService, Scope
from services.payments.settings import PaymentsSettings
from services.payments.store import PaymentStore
from shared.app import RuntimeDep
from shared.errors import PermissionDenied
from shared.identity import Caller, CallerDep


def _scope(caller: Caller) -> Scope:
    if caller.merchant_id is None or caller.mode is None:
        raise PermissionDenied(
            "Use a secret key, or a dashboard session with Expe-Merchant and Expe-Mode headers."
        )
    actor_id = caller.key_id if caller.kind == "api_key" else caller.user_id
    return Scope(caller.merchant_id, caller.mode, {"type": caller.kind, "id": actor_id})


def reader(caller: CallerDep) -> Scope:
    """Secret keys and every member of the merchant read payments."""
    if caller.kind == "api_key" and caller.key_type != "secret":
        raise PermissionDenied("Publishable keys reach the checkout only; use a secret key.")
    if caller.kind not in ("api_key", "user"):
        raise PermissionDenied("Use a secret key or a dashboard session.")
    return _scope(caller)


def writer(caller: CallerDep) -> Scope:
    """Secret keys, owners and developers create, cancel and refund payments."""
    scope = reader(caller)
    if caller.kind == "user" and caller.role not in ("owner", "developer"):
        raise PermissionDenied("Viewers cannot change payments.")
    return scope


def checkout(caller: CallerDep) -> Scope:
    """The hosted checkout: publishable or secret keys, owners and developers."""
    if caller.kind == "api_key":
        return _scope(caller)
    return writer(caller)


def payment_service(request: Request, runtime: RuntimeDep) -> PaymentService:
    settings = cast(PaymentsSettings, runtime.settings)
    wallet = getattr(request.app.state, "wallet_client", None)
    return PaymentService(PaymentStore(runtime.db), runtime.outbox, settings, wallet=wallet)


def refund_service(
    runtime: RuntimeDep, payments: Annotated[PaymentService, Depends(payment_service)]
) -> RefundService:
    return RefundService(payments, PaymentStore(runtime.db), runtime.outbox, wallet=payments.wallet)


Reader = Annotated[Scope, Depends(reader)]
Writer = Annotated[Scope, Depends(writer)]
Checkout = Annotated[Scope, Depends(checkout)]
Payments = Annotated[PaymentService, Depends(payment_service)]
Refunds = Annotated[RefundService, Depends(refund_service)]
