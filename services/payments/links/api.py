"""Payment link routes: the merchant's (`/api/v1/payment-links`) and the public page's
(`/api/v1/checkout/links/{slug}`, no credentials)."""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from services.payments.deps import MerchantNamesDep, Payments
from services.payments.errors import (
    PaymentLinkBusy,
    PaymentLinkExpired,
    PaymentLinkInactive,
    PaymentLinkNotFound,
    PaymentLinkUsed,
)
from services.payments.links.schemas import (
    LinkPayment,
    LinkPaymentCreate,
    LinkStats,
    LinkStatus,
    PaymentLink,
    PaymentLinkCreate,
    PublicLink,
)
from services.payments.links.service import LinkService, LinkView
from services.payments.links.store import LinkRecord, LinkStore
from services.payments.settings import PaymentsSettings
from services.payments.store import PaymentStore
from shared.app import RuntimeDep
from shared.errors import InvalidRequest, PermissionDenied
from shared.idempotency import IdempotencyKey, IdempotentRoute
from shared.openapi import errors
from shared.paging import Page, PagingDep
from shared.scopes import Reader, Writer

router = APIRouter(tags=["payment links"], route_class=IdempotentRoute)
public_router = APIRouter(tags=["checkout"], route_class=IdempotentRoute)


async def link_service(runtime: RuntimeDep, payments: Payments) -> LinkService:
    settings = runtime.settings
    assert isinstance(settings, PaymentsSettings)
    store = PaymentStore(runtime.db, settings.sealing_keyring())
    return LinkService(LinkStore(runtime.db), payments, store, runtime.outbox, settings)


Links = Annotated[LinkService, Depends(link_service)]
_LINK_FIELDS = {field.name for field in dataclasses.fields(LinkRecord)}


def _link(view: LinkView) -> PaymentLink:
    link, totals = view.link, view.totals
    # Per visitor: a press of Pay straight through the API came without a view of the page.
    visitors = max(link.views, totals.started)
    stats = LinkStats(
        views=link.views,
        payments_started=totals.started,
        paid=totals.paid,
        conversion=round(totals.paid / visitors, 4) if visitors else 0.0,
        revenue=totals.revenue,
    )
    fields = dataclasses.asdict(link)
    return PaymentLink.model_validate(
        {**fields, "url": view.url, "status": view.status, "stats": stats}
    )


@router.post(
    "/api/v1/payment-links",
    status_code=201,
    response_model_by_alias=True,
    summary="Create a payment link",
    responses=errors(InvalidRequest, PermissionDenied),
)
async def create_link(
    body: PaymentLinkCreate, scope: Writer, links: Links, idempotency_key: IdempotencyKey = None
) -> PaymentLink:
    """A link to share: whoever opens its `url` pays the fixed amount, or one they enter within
    `minAmount` and `maxAmount`, on the hosted checkout; one-time unless `reusable`."""
    return _link(await links.create(scope, body, idempotency_key))


@router.get(
    "/api/v1/payment-links",
    response_model_by_alias=True,
    summary="List payment links",
    responses=errors(PermissionDenied),
)
async def list_links(
    scope: Reader,
    links: Links,
    paging: PagingDep,
    status: Annotated[list[LinkStatus], Query()] = [],  # noqa: B006
) -> Page[PaymentLink]:
    """The merchant's links in the caller's mode, newest first, with their stats."""
    found, total = await links.page(scope, status, paging)
    return Page[PaymentLink].of([_link(view) for view in found], paging, total)


@router.get(
    "/api/v1/payment-links/{link_id}",
    response_model_by_alias=True,
    summary="Retrieve a payment link",
    responses=errors(PaymentLinkNotFound, PermissionDenied),
)
async def get_link(link_id: str, scope: Reader, links: Links) -> PaymentLink:
    """One link with its stats: views, payments started and paid, conversion and revenue."""
    return _link(await links.get(scope, link_id))


@router.post(
    "/api/v1/payment-links/{link_id}/deactivate",
    response_model_by_alias=True,
    summary="Deactivate a payment link",
    responses=errors(PaymentLinkNotFound, PermissionDenied),
)
async def deactivate_link(link_id: str, scope: Writer, links: Links) -> PaymentLink:
    """The link takes no new payments (the ones already open stay payable until they expire)."""
    return _link(await links.deactivate(scope, link_id))


@public_router.get(
    "/api/v1/checkout/links/{slug}",
    response_model_by_alias=True,
    summary="Open a payment link",
    responses=errors(PaymentLinkNotFound),
)
async def open_link(slug: str, links: Links, names: MerchantNamesDep) -> PublicLink:
    """What the link's public page shows: no credentials needed (a view of the link, while it
    takes payments)."""
    link, status = await links.open(slug)
    merchant_name = await names.name_of(link.merchant_id) if names is not None else None
    shown = {field: getattr(link, field) for field in PublicLink.model_fields.keys() & _LINK_FIELDS}
    return PublicLink.model_validate({**shown, "merchant_name": merchant_name, "status": status})


@public_router.post(
    "/api/v1/checkout/links/{slug}/payments",
    status_code=201,
    response_model_by_alias=True,
    summary="Pay a payment link",
    responses=errors(
        InvalidRequest,
        PaymentLinkNotFound,
        PaymentLinkInactive,
        PaymentLinkExpired,
        PaymentLinkUsed,
        PaymentLinkBusy,
    ),
)
async def pay_link(
    slug: str,
    links: Links,
    body: LinkPaymentCreate | None = None,
    idempotency_key: IdempotencyKey = None,
) -> LinkPayment:
    """The payment to pay on the hosted checkout (go to `checkoutUrl`). A one-time link gives
    everyone the same open payment, so it is paid once however many customers press Pay."""
    amount = body.amount if body else None
    payment = await links.pay(slug, amount, idempotency_key)
    return LinkPayment(payment_id=payment.id, checkout_url=payment.checkout_url)
