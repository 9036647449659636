"""Merchant routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from services.auth.errors import MerchantNotFound, PlatformAdminRequired
from services.auth.merchants.deps import ActorDep, MerchantStoreDep
from services.auth.merchants.schemas import Merchant, MerchantCreate
from services.auth.merchants.service import MerchantService
from shared.idempotency import IdempotentRoute
from shared.openapi import errors
from shared.paging import Page, PagingDep

router = APIRouter(tags=["merchants"], route_class=IdempotentRoute)


async def merchant_service(store: MerchantStoreDep, actor: ActorDep) -> MerchantService:
    return MerchantService(store, actor)


Merchants = Annotated[MerchantService, Depends(merchant_service)]


@router.post("/api/v1/merchants", status_code=201, summary="Create a merchant")
async def create_merchant(body: MerchantCreate, merchants: Merchants) -> Merchant:
    """Creates a merchant; the caller becomes its owner."""
    return await merchants.create(body)


@router.get("/api/v1/merchants", summary="List the caller's merchants")
async def list_merchants(merchants: Merchants, paging: PagingDep) -> Page[Merchant]:
    """The merchants the caller belongs to, with the caller's role in each."""
    return await merchants.list(paging)


@router.get(
    "/api/v1/merchants/{merchant_id}",
    summary="Retrieve a merchant",
    responses=errors(MerchantNotFound),
)
async def get_merchant(merchant_id: str, merchants: Merchants) -> Merchant:
    """One merchant the caller belongs to."""
    return await merchants.get(merchant_id)


@router.post(
    "/api/v1/admin/merchants/{merchant_id}/verify",
    summary="Verify a merchant (platform operators)",
    responses=errors(PlatformAdminRequired, MerchantNotFound),
)
async def verify_merchant(merchant_id: str, merchants: Merchants) -> Merchant:
    """Marks a merchant verified, which allows live-mode API keys (platform operators only)."""
    return await merchants.verify(merchant_id)
