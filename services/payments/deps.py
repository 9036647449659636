"""Who may do what with payments, and the service each route gets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends, Header, Request

from services.payments.disputes.store import DisputeStore
from services.payments.errors import ClientSecretRequired, PaymentNotFound
from services.payments.merchants_client import MerchantNames
from services.payments.records import PaymentRecord
from services.payments.refunds import RefundService
from services.payments.service import PaymentService
from services.payments.settings import PaymentsSettings
from services.payments.store import PaymentStore
from shared.app import RuntimeDep
from shared.identity import CallerDep
from shared.scopes import Scope, reader, writer

CLIENT_SECRET_HEADER = "Expe-Client-Secret"


async def payment_service(request: Request, runtime: RuntimeDep) -> PaymentService:
    settings = cast(PaymentsSettings, runtime.settings)
    wallet = getattr(request.app.state, "wallet_client", None)
    store = PaymentStore(runtime.db, settings.sealing_keyring())
    return PaymentService(store, runtime.outbox, settings, wallet=wallet)


async def refund_service(
    runtime: RuntimeDep, payments: Annotated[PaymentService, Depends(payment_service)]
) -> RefundService:
    keyring = runtime.settings.sealing_keyring()
    store = PaymentStore(runtime.db, keyring)
    disputes = DisputeStore(runtime.db, keyring)
    return RefundService(payments, store, runtime.outbox, wallet=payments.wallet, disputes=disputes)


async def merchant_names(request: Request) -> MerchantNames | None:
    return getattr(request.app.state, "merchant_names", None)


Payments = Annotated[PaymentService, Depends(payment_service)]
Refunds = Annotated[RefundService, Depends(refund_service)]
MerchantNamesDep = Annotated[MerchantNames | None, Depends(merchant_names)]


@dataclass(frozen=True)
class CheckoutAccess:
    """Who acts on the hosted checkout, for whom."""

    scope: Scope
    # The payment, when its client secret opened it (read once, not again by the route).
    opened: PaymentRecord | None = None
    # A logged-in customer, who may pay from their own wallet.
    payer: str | None = None


async def checkout_access(
    request: Request,
    payment_id: str,
    caller: CallerDep,
    payments: Payments,
    client_secret: Annotated[str | None, Header(alias=CLIENT_SECRET_HEADER, max_length=200)] = None,
) -> CheckoutAccess:
    """The merchant's own server (secret key) and its owners and developers reach any of its
    payments; everybody else (the customer's browser, with or without a publishable key or a
    login) needs the payment's client secret, so no payment is read by guessing its id."""
    if client_secret is None:
        merchant_side = (caller.kind == "api_key" and caller.key_type == "secret") or (
            caller.kind == "user" and caller.merchant_id is not None
        )
        if not merchant_side:
            raise ClientSecretRequired(
                f"Send the payment's client secret in the {CLIENT_SECRET_HEADER} header."
            )
        # Viewers see what the checkout shows; paying on it changes the payment.
        return CheckoutAccess(await (reader if request.method == "GET" else writer)(caller))
    payment = await payments.opened_by(payment_id, client_secret)
    if caller.kind == "api_key" and (caller.merchant_id, caller.mode) != (
        payment.merchant_id,
        payment.mode,
    ):
        raise PaymentNotFound(f"No payment {payment_id} in {caller.mode} mode.")
    payer = caller.user_id if caller.kind == "user" else None
    actor = (
        {"type": "customer", "id": None}
        if caller.kind == "anonymous"
        else {
            "type": caller.kind,
            "id": caller.key_id if caller.kind == "api_key" else caller.user_id,
        }
    )
    return CheckoutAccess(Scope(payment.merchant_id, payment.mode, actor), payment, payer)


Checkout = Annotated[CheckoutAccess, Depends(checkout_access)]
