"""Plans and subscriptions routes: parse, authorize, call the service, serialize."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import APIRouter, Depends, Query, Request

from services.subscriptions.errors import (
    PaymentMethodNotFound,
    PlanChangeInvalid,
    PlanNotFound,
    ProrationDeclined,
    SubscriptionNotFound,
    SubscriptionStateConflict,
    TestClockRefused,
)
from services.subscriptions.events import invoice_out, subscription_out
from services.subscriptions.payments_client import PaymentsClient
from services.subscriptions.schemas import (
    AdvanceRequest,
    CancelRequest,
    ChangePlanRequest,
    Invoice,
    PaymentMethodChange,
    Plan,
    PlanCreate,
    Subscription,
    SubscriptionCreate,
    SubscriptionStatus,
    plan_out,
)
from services.subscriptions.service import SubscriptionService
from services.subscriptions.settings import SubscriptionsSettings
from services.subscriptions.store import SubscriptionStore
from shared.app import RuntimeDep
from shared.errors import InvalidRequest, PermissionDenied
from shared.idempotency import IdempotencyKey, IdempotentRoute
from shared.openapi import errors
from shared.paging import Page, PagingDep
from shared.scopes import Reader, Writer

router = APIRouter(tags=["subscriptions"], route_class=IdempotentRoute)


async def subscription_service(request: Request, runtime: RuntimeDep) -> SubscriptionService:
    payments: PaymentsClient = request.app.state.payments_client
    settings = cast(SubscriptionsSettings, runtime.settings)
    return SubscriptionService(SubscriptionStore(runtime.db), runtime.outbox, payments, settings)


Subscriptions = Annotated[SubscriptionService, Depends(subscription_service)]


@router.post(
    "/api/v1/plans",
    status_code=201,
    response_model_by_alias=True,
    summary="Create a plan",
    responses=errors(InvalidRequest, PermissionDenied),
)
async def create_plan(
    body: PlanCreate,
    scope: Writer,
    subscriptions: Subscriptions,
    idempotency_key: IdempotencyKey = None,
) -> Plan:
    """A price billed every `intervalCount` intervals, with optional trial days and its own
    dunning schedule (`retryDays` after a failed renewal, then `finalStatus`)."""
    return plan_out(await subscriptions.create_plan(scope, body, idempotency_key))


@router.get(
    "/api/v1/plans",
    response_model_by_alias=True,
    summary="List plans",
    responses=errors(PermissionDenied),
)
async def list_plans(scope: Reader, subscriptions: Subscriptions, paging: PagingDep) -> Page[Plan]:
    """The merchant's plans in the caller's mode, newest first."""
    found, total = await subscriptions.plans(scope, paging)
    return Page[Plan].of([plan_out(plan) for plan in found], paging, total)


@router.get(
    "/api/v1/plans/{plan_id}",
    response_model_by_alias=True,
    summary="Retrieve a plan",
    responses=errors(PlanNotFound, PermissionDenied),
)
async def get_plan(plan_id: str, scope: Reader, subscriptions: Subscriptions) -> Plan:
    return plan_out(await subscriptions.plan(scope, plan_id))


@router.post(
    "/api/v1/subscriptions",
    status_code=201,
    response_model_by_alias=True,
    summary="Create a subscription",
    responses=errors(InvalidRequest, PlanNotFound, PaymentMethodNotFound, PermissionDenied),
)
async def create_subscription(
    body: SubscriptionCreate,
    scope: Writer,
    subscriptions: Subscriptions,
    idempotency_key: IdempotencyKey = None,
) -> Subscription:
    """Subscribes the customer to the plan, paying by a saved card. Without a trial the first
    period is charged at once; a decline leaves the subscription `incomplete`."""
    return subscription_out(await subscriptions.create(scope, body, idempotency_key))


@router.get(
    "/api/v1/subscriptions",
    response_model_by_alias=True,
    summary="List subscriptions",
    responses=errors(PermissionDenied),
)
async def list_subscriptions(
    scope: Reader,
    subscriptions: Subscriptions,
    paging: PagingDep,
    status: Annotated[list[SubscriptionStatus], Query()] = [],  # noqa: B006
) -> Page[Subscription]:
    """The merchant's subscriptions in the caller's mode, newest first."""
    found, total = await subscriptions.page(scope, list(status), paging)
    return Page[Subscription].of([subscription_out(doc) for doc in found], paging, total)


@router.get(
    "/api/v1/subscriptions/{subscription_id}",
    response_model_by_alias=True,
    summary="Retrieve a subscription",
    responses=errors(SubscriptionNotFound, PermissionDenied),
)
async def get_subscription(
    subscription_id: str, scope: Reader, subscriptions: Subscriptions
) -> Subscription:
    return subscription_out(await subscriptions.get(scope, subscription_id))


@router.get(
    "/api/v1/subscriptions/{subscription_id}/invoices",
    response_model_by_alias=True,
    summary="List a subscription's invoices",
    responses=errors(SubscriptionNotFound, PermissionDenied),
)
async def list_invoices(
    subscription_id: str, scope: Reader, subscriptions: Subscriptions, paging: PagingDep
) -> Page[Invoice]:
    """One invoice per period billed (and per prorated plan change), newest first, each with
    its charge attempts."""
    found, total = await subscriptions.invoices(scope, subscription_id, paging)
    return Page[Invoice].of([invoice_out(doc) for doc in found], paging, total)


_CHANGING = (SubscriptionNotFound, SubscriptionStateConflict, PermissionDenied)
_CHANGES = errors(*_CHANGING)


@router.post(
    "/api/v1/subscriptions/{subscription_id}/cancel",
    response_model_by_alias=True,
    summary="Cancel a subscription",
    responses=_CHANGES,
)
async def cancel_subscription(
    subscription_id: str, body: CancelRequest, scope: Writer, subscriptions: Subscriptions
) -> Subscription:
    """Now, or (`atPeriodEnd`) when the period paid for ends."""
    return subscription_out(await subscriptions.cancel(scope, subscription_id, body.at_period_end))


@router.post(
    "/api/v1/subscriptions/{subscription_id}/pause",
    response_model_by_alias=True,
    summary="Pause a subscription",
    responses=_CHANGES,
)
async def pause_subscription(
    subscription_id: str, scope: Writer, subscriptions: Subscriptions
) -> Subscription:
    """No renewals until it is resumed."""
    return subscription_out(await subscriptions.pause(scope, subscription_id))


@router.post(
    "/api/v1/subscriptions/{subscription_id}/resume",
    response_model_by_alias=True,
    summary="Resume a subscription",
    responses=_CHANGES,
)
async def resume_subscription(
    subscription_id: str, scope: Writer, subscriptions: Subscriptions
) -> Subscription:
    """Back as it was; a period that ended while paused is followed by one starting now,
    charged at once."""
    return subscription_out(await subscriptions.resume(scope, subscription_id))


@router.post(
    "/api/v1/subscriptions/{subscription_id}/change-plan",
    response_model_by_alias=True,
    summary="Change a subscription's plan",
    responses=errors(*_CHANGING, PlanNotFound, PlanChangeInvalid, ProrationDeclined),
)
async def change_plan(
    subscription_id: str, body: ChangePlanRequest, scope: Writer, subscriptions: Subscriptions
) -> Subscription:
    """Moves to another plan in the same currency now, with proration."""
    return subscription_out(await subscriptions.change_plan(scope, subscription_id, body.plan_id))


@router.post(
    "/api/v1/subscriptions/{subscription_id}/payment-method",
    response_model_by_alias=True,
    summary="Change a subscription's card",
    responses=errors(*_CHANGING, PaymentMethodNotFound),
)
async def change_payment_method(
    subscription_id: str, body: PaymentMethodChange, scope: Writer, subscriptions: Subscriptions
) -> Subscription:
    """Another saved card for the next charges, such as the next retry of a past-due invoice."""
    changed = await subscriptions.update_payment_method(
        scope, subscription_id, body.payment_method_id
    )
    return subscription_out(changed)


@router.post(
    "/api/v1/subscriptions/{subscription_id}/test-clock/advance",
    response_model_by_alias=True,
    summary="Advance a subscription's test clock",
    responses=errors(*_CHANGING, TestClockRefused),
)
async def advance_test_clock(
    subscription_id: str, body: AdvanceRequest, scope: Writer, subscriptions: Subscriptions
) -> Subscription:
    """Test mode: moves the subscription's clock to `frozenTime` and runs the renewals,
    retries and cancels due by then, as they would have run at their time."""
    moved = await subscriptions.advance_clock(scope, subscription_id, body.frozen_time)
    return subscription_out(moved)
