"""Saved card routes: the merchant's (`/api/v1/payment-methods`) and the mesh's charge of one
(`/internal/v1/payment-methods/{id}/charges`, other services only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from services.payments.deps import Payments
from services.payments.errors import (
    CardExpiryPassed,
    CardNumberInvalid,
    ChargeReferenceReused,
    PaymentMethodNotFound,
)
from services.payments.methods.schemas import (
    ChargeCreate,
    OwnedPaymentMethod,
    PaymentMethod,
    PaymentMethodCreate,
)
from services.payments.methods.service import PaymentMethodService
from services.payments.methods.store import PaymentMethodRecord, PaymentMethodStore
from services.payments.schemas import Payment
from services.payments.settings import PaymentsSettings
from services.payments.store import PaymentStore
from shared.app import RuntimeDep
from shared.errors import InvalidRequest, PermissionDenied
from shared.idempotency import IdempotencyKey, IdempotentRoute
from shared.identity import ServiceDep
from shared.openapi import errors
from shared.scopes import Reader, Writer

router = APIRouter(tags=["payment methods"], route_class=IdempotentRoute)
internal_router = APIRouter(prefix="/internal/v1", tags=["internal"], include_in_schema=False)


async def method_service(runtime: RuntimeDep, payments: Payments) -> PaymentMethodService:
    settings = runtime.settings
    assert isinstance(settings, PaymentsSettings)
    keyring = settings.sealing_keyring()
    return PaymentMethodService(
        PaymentMethodStore(runtime.db, keyring),
        payments,
        PaymentStore(runtime.db, keyring),
        settings,
    )


Methods = Annotated[PaymentMethodService, Depends(method_service)]


def _method(method: PaymentMethodRecord) -> PaymentMethod:
    return PaymentMethod.model_validate(method, from_attributes=True)


@router.post(
    "/api/v1/payment-methods",
    status_code=201,
    response_model_by_alias=True,
    summary="Save a card",
    responses=errors(InvalidRequest, CardNumberInvalid, CardExpiryPassed, PermissionDenied),
)
async def create_method(
    body: PaymentMethodCreate,
    scope: Writer,
    methods: Methods,
    idempotency_key: IdempotencyKey = None,
) -> PaymentMethod:
    """Saves a card to charge later (a subscription's renewals): its brand, last four digits,
    expiry and fingerprint are kept, never its number or security code."""
    return _method(await methods.create(scope, body, idempotency_key))


@router.get(
    "/api/v1/payment-methods/{payment_method_id}",
    response_model_by_alias=True,
    summary="Retrieve a saved card",
    responses=errors(PaymentMethodNotFound, PermissionDenied),
)
async def get_method(payment_method_id: str, scope: Reader, methods: Methods) -> PaymentMethod:
    """One saved card."""
    return _method(await methods.get(scope, payment_method_id))


@internal_router.get("/payment-methods/{payment_method_id}", response_model_by_alias=True)
async def owned_method(
    payment_method_id: str, methods: Methods, _: ServiceDep
) -> OwnedPaymentMethod:
    """The saved card with its merchant, for a service acting on it by id (subscriptions
    checks a card is the subscriber's merchant's); 404 payment_method_not_found."""
    method = await methods.find(payment_method_id)
    return OwnedPaymentMethod.model_validate(method, from_attributes=True)


@internal_router.post(
    "/payment-methods/{payment_method_id}/charges",
    response_model_by_alias=True,
    responses=errors(PaymentMethodNotFound, ChargeReferenceReused),
)
async def charge_method(
    payment_method_id: str, body: ChargeCreate, methods: Methods, caller: ServiceDep
) -> Payment:
    """Charges the saved card: the payment of `reference` (the same reference, the same
    payment, charged once), 200 whether it succeeded or was declined (`status`,
    `failureCode`); still `created` or `processing` only when another call is charging it just
    now: ask again with the same reference."""
    actor = {"type": "service", "id": caller.service}
    payment = await methods.charge(payment_method_id, body, actor)
    return Payment.model_validate(payment, from_attributes=True)
