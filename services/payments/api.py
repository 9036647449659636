"""Payments routes: parse, authorize, call the service, serialize."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from services.payments import examples
from services.payments.deps import Checkout, CheckoutAccess, MerchantNamesDep, Payments, Refunds
from services.payments.errors import (
    DECLINES,
    CardNumberInvalid,
    ClientSecretRequired,
    MerchantWalletShort,
    MethodNotAllowed,
    MethodUnavailable,
    PaymentDisputed,
    PaymentNotFound,
    PaymentNotRefundable,
    PaymentStateConflict,
    RefundContended,
    RefundExceedsCaptured,
    SandboxOnly,
    WalletCurrencyMismatch,
    WalletNotFound,
    WalletPaymentUnfinished,
    WalletShort,
)
from services.payments.export import XLSX_MEDIA_TYPE, csv_rows, xlsx_rows
from services.payments.merchants_client import MerchantNames
from services.payments.records import PaymentRecord, RefundLink
from services.payments.schemas import (
    CancelRequest,
    CheckoutMerchant,
    CheckoutOpen,
    CheckoutOpened,
    CheckoutPayment,
    ConfirmRequest,
    Payment,
    PaymentCreate,
    PaymentHistory,
    PaymentOwner,
    Refund,
    RefundCreate,
    RefundList,
    Transition,
    UpiComplete,
)
from services.payments.service import ListFilters
from services.payments.states import PaymentStatus
from shared.errors import InvalidRequest, MerchantNotFound, PermissionDenied
from shared.idempotency import IdempotencyKey, IdempotentRoute
from shared.identity import GatewayDep, ServiceDep
from shared.money import MAX_MINOR_UNITS
from shared.openapi import errors
from shared.paging import Page, PagingDep
from shared.scopes import Reader, Writer

router = APIRouter(tags=["payments"], route_class=IdempotentRoute)
checkout_router = APIRouter(tags=["checkout"], route_class=IdempotentRoute)
internal_router = APIRouter(prefix="/internal/v1", tags=["internal"], include_in_schema=False)

Amount = Annotated[int | None, Query(ge=0, le=MAX_MINOR_UNITS)]


def _payment(payment: PaymentRecord) -> Payment:
    return Payment.model_validate(payment, from_attributes=True)


def _refund(link: RefundLink) -> Refund:
    return Refund.model_validate(link, from_attributes=True)


async def list_filters(
    status: Annotated[list[PaymentStatus], Query()] = [],  # noqa: B006
    since: Annotated[datetime | None, Query(alias="from")] = None,
    until: Annotated[datetime | None, Query(alias="to")] = None,
    min_amount: Annotated[Amount, Query(alias="minAmount")] = None,
    max_amount: Annotated[Amount, Query(alias="maxAmount")] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    payment_link_id: Annotated[str | None, Query(alias="paymentLinkId", max_length=64)] = None,
) -> ListFilters:
    """The filters the list and the export share."""
    return ListFilters(
        tuple(status), since, until, min_amount, max_amount, q or None, payment_link_id or None
    )


Filters = Annotated[ListFilters, Depends(list_filters)]


@router.post(
    "/api/v1/payments",
    status_code=201,
    response_model_by_alias=True,
    summary="Create a payment",
    responses={**errors(InvalidRequest, PermissionDenied), 201: examples.PAYMENT_CREATED},
    openapi_extra=examples.CREATE_PAYMENT,
)
async def create_payment(
    body: PaymentCreate,
    scope: Writer,
    payments: Payments,
    idempotency_key: IdempotencyKey = None,
) -> Payment:
    """Creates a payment for the customer to pay on the hosted checkout or by UPI QR."""
    return _payment(await payments.create(scope, body, idempotency_key))


@router.get(
    "/api/v1/payments",
    response_model_by_alias=True,
    summary="List payments",
    responses=errors(PermissionDenied),
)
async def list_payments(
    scope: Reader, payments: Payments, paging: PagingDep, filters: Filters
) -> Page[Payment]:
    """The merchant's payments in the caller's mode, newest first; `q` matches id or order id."""
    found, total = await payments.page(scope, filters, paging)
    return Page[Payment].of([_payment(payment) for payment in found], paging, total)


@router.get(
    "/api/v1/payments/export",
    response_class=StreamingResponse,
    summary="Export payments",
    responses={
        **errors(PermissionDenied),
        200: {
            "description": "The payments as CSV (`format=csv`) or an Excel workbook (`xlsx`).",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
            },
        },
    },
)
async def export_payments(
    scope: Reader,
    payments: Payments,
    filters: Filters,
    format: Literal["csv", "xlsx"] = "csv",
) -> StreamingResponse:
    """The payments the list would show, all of them, as CSV or Excel (streamed)."""
    rows = payments.export(scope, filters)
    disposition = {"Content-Disposition": f'attachment; filename="payments.{format}"'}
    if format == "xlsx":
        return StreamingResponse(xlsx_rows(rows), media_type=XLSX_MEDIA_TYPE, headers=disposition)
    return StreamingResponse(
        csv_rows(rows), media_type="text/csv; charset=utf-8", headers=disposition
    )


@router.get(
    "/api/v1/merchants/{merchant_id}/transactions",
    response_model_by_alias=True,
    summary="List a merchant's transactions",
    responses=errors(MerchantNotFound, PermissionDenied),
)
async def merchant_transactions(
    merchant_id: str,
    scope: Reader,
    payments: Payments,
    paging: PagingDep,
) -> Page[Payment]:
    """The caller's own merchant's payments in the caller's mode, newest first."""
    if merchant_id != scope.merchant_id:
        raise MerchantNotFound(f"No merchant {merchant_id} for this caller.")
    found, total = await payments.page(scope, ListFilters(), paging)
    return Page[Payment].of([_payment(payment) for payment in found], paging, total)


@router.get(
    "/api/v1/payments/{payment_id}",
    response_model_by_alias=True,
    summary="Retrieve a payment",
    responses=errors(PaymentNotFound, PermissionDenied),
)
async def get_payment(payment_id: str, scope: Reader, payments: Payments) -> Payment:
    """One payment."""
    return _payment(await payments.get(scope, payment_id))


@router.get(
    "/api/v1/payments/{payment_id}/history",
    response_model_by_alias=True,
    summary="A payment's history",
    responses=errors(PaymentNotFound, PermissionDenied),
)
async def payment_history(payment_id: str, scope: Reader, payments: Payments) -> PaymentHistory:
    """Every state the payment went through: from, to, when, why and who."""
    timeline = await payments.history(scope, payment_id)
    return PaymentHistory(
        payment_id=payment_id, data=[Transition.model_validate(doc) for doc in timeline]
    )


@router.post(
    "/api/v1/payments/{payment_id}/cancel",
    response_model_by_alias=True,
    summary="Cancel a payment",
    responses=errors(PaymentNotFound, PaymentStateConflict, PermissionDenied),
)
async def cancel_payment(
    payment_id: str, scope: Writer, payments: Payments, body: CancelRequest | None = None
) -> Payment:
    """Cancels a payment not yet completed."""
    reason = body.reason if body else None
    return _payment(await payments.cancel(scope, payment_id, reason))


@router.post(
    "/api/v1/payments/{payment_id}/refund",
    status_code=201,
    response_model_by_alias=True,
    summary="Refund a payment",
    responses={
        **errors(
            PaymentNotFound,
            PaymentNotRefundable,
            PaymentDisputed,
            RefundExceedsCaptured,
            RefundContended,
            MerchantWalletShort,
            PermissionDenied,
        ),
        201: examples.PAYMENT_REFUNDED,
    },
    openapi_extra=examples.REFUND_PAYMENT,
)
async def refund_payment(
    payment_id: str,
    scope: Writer,
    refunds: Refunds,
    body: RefundCreate | None = None,
    idempotency_key: IdempotencyKey = None,
) -> Refund:
    """Refunds part or (by default) the rest of a succeeded payment."""
    return _refund(await refunds.refund(scope, payment_id, body or RefundCreate(), idempotency_key))


@router.get(
    "/api/v1/payments/{payment_id}/refunds",
    response_model_by_alias=True,
    summary="List a payment's refunds",
    responses=errors(PaymentNotFound, PermissionDenied),
)
async def list_refunds(payment_id: str, scope: Reader, refunds: Refunds) -> RefundList:
    """The payment's refunds, oldest first."""
    links = await refunds.of_payment(scope, payment_id)
    return RefundList(data=[_refund(link) for link in links])


# The hosted checkout: the customer's browser opens a payment with its client secret.


def _checkout_view(payment: PaymentRecord, merchant_name: str | None = None) -> CheckoutPayment:
    shown = {
        name: getattr(payment, name) for name in CheckoutPayment.model_fields.keys() - {"merchant"}
    }
    return CheckoutPayment(
        **shown, merchant=CheckoutMerchant(id=payment.merchant_id, name=merchant_name)
    )


async def _merchant_name(payment: PaymentRecord, names: MerchantNames | None) -> str | None:
    return await names.name_of(payment.merchant_id) if names is not None else None


async def _after_checkout(
    access: CheckoutAccess, payment: PaymentRecord, names: MerchantNames | None
) -> Payment | CheckoutPayment:
    """The merchant's side sees the whole payment; the customer's browser what the page shows,
    the merchant's name included, as when it opened the payment."""
    if access.opened is None:
        return _payment(payment)
    return _checkout_view(payment, await _merchant_name(payment, names))


@checkout_router.get(
    "/api/v1/checkout/payments/{payment_id}",
    response_model_by_alias=True,
    summary="Open a payment on the checkout",
    responses=errors(ClientSecretRequired, PaymentNotFound, PermissionDenied),
)
async def checkout_payment(
    payment_id: str, access: Checkout, payments: Payments, names: MerchantNamesDep
) -> CheckoutPayment:
    """What the checkout page shows the customer: send the client secret in
    `Expe-Client-Secret` (a merchant's secret key or dashboard session needs none)."""
    payment = access.opened or await payments.get(access.scope, payment_id)
    return _checkout_view(payment, await _merchant_name(payment, names))


@checkout_router.post(
    "/api/v1/checkout/payments/{payment_id}/confirm",
    response_model_by_alias=True,
    summary="Confirm (pay) a payment",
    responses={
        **errors(
            ClientSecretRequired,
            PaymentNotFound,
            PermissionDenied,
            InvalidRequest,
            MethodNotAllowed,
            MethodUnavailable,
            CardNumberInvalid,
            PaymentStateConflict,
            *DECLINES.values(),
            WalletNotFound,
            WalletCurrencyMismatch,
            WalletShort,
            WalletPaymentUnfinished,
        ),
        200: examples.PAYMENT_CONFIRMED,
    },
    openapi_extra=examples.CONFIRM_PAYMENT,
)
async def confirm_payment(
    payment_id: str,
    body: ConfirmRequest,
    access: Checkout,
    payments: Payments,
    names: MerchantNamesDep,
) -> Payment | CheckoutPayment:
    """Pays: a sandbox card completes at once (402 when declined); UPI QR starts processing;
    `{method: wallet, walletId}` by the logged-in customer pays from their wallet at once
    (402 `insufficient_funds`; 403/404 for a wallet that is not theirs)."""
    paid = await payments.confirm(
        access.scope, payment_id, body, opened=access.opened, payer=access.payer
    )
    return await _after_checkout(access, paid, names)


@checkout_router.post(
    "/api/v1/checkout/payments/{payment_id}/sandbox/upi-complete",
    response_model_by_alias=True,
    summary="Complete a UPI payment (test mode)",
    responses=errors(
        ClientSecretRequired, PaymentNotFound, PermissionDenied, SandboxOnly, PaymentStateConflict
    ),
)
async def complete_upi(
    payment_id: str,
    body: UpiComplete,
    access: Checkout,
    payments: Payments,
    names: MerchantNamesDep,
) -> Payment | CheckoutPayment:
    """Test mode: the customer's UPI app reports success or failure."""
    completed = await payments.complete_upi(access.scope, payment_id, body.outcome)
    return await _after_checkout(access, completed, names)


@internal_router.post("/checkout/open", response_model_by_alias=True)
async def open_checkout(body: CheckoutOpen, payments: Payments, _: GatewayDep) -> CheckoutOpened:
    """Whose payment a client secret opens, for the gateway's live updates of one checkout;
    404 payment_not_found for a wrong secret as for an unknown id."""
    payment = await payments.opened_by(body.payment_id, body.client_secret)
    return CheckoutOpened(payment_id=payment.id, merchant_id=payment.merchant_id, mode=payment.mode)


@internal_router.get("/payments/{payment_id}/owner", response_model_by_alias=True)
async def payment_owner(payment_id: str, payments: Payments, _: ServiceDep) -> PaymentOwner:
    """The merchant and mode of a payment, for a service answering a caller about it by id
    (webhooks lists a payment's messages to its own merchant only); 404 payment_not_found."""
    payment = await payments.find(payment_id)
    return PaymentOwner(payment_id=payment.id, merchant_id=payment.merchant_id, mode=payment.mode)
