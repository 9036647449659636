"""Internal routes: the gateway's (API keys, memberships) and other services' (users by email)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from services.auth.apikeys.schemas import ResolvedApiKey
from services.auth.apikeys.service import ApiKeyResolver
from services.auth.apikeys.store import ApiKeyStore
from services.auth.apikeys.usage import UsageThrottle
from services.auth.internal.schemas import (
    ApiKeyResolve,
    GatewayMembership,
    MerchantProfile,
    UserByEmail,
)
from services.auth.internal.service import gateway_membership, merchant_profile, user_by_email
from services.auth.merchants.store import MerchantStore
from services.auth.users.store import UserStore
from shared.app import Database
from shared.identity import GatewayDep, ServiceDep

router = APIRouter(prefix="/internal/v1", tags=["internal"], include_in_schema=False)


async def usage_throttle(request: Request) -> UsageThrottle:
    """One per app: it remembers, across requests, when each key's use was last written."""
    throttle: UsageThrottle | None = getattr(request.app.state, "api_key_usage", None)
    if throttle is None:
        throttle = request.app.state.api_key_usage = UsageThrottle()
    return throttle


Usage = Annotated[UsageThrottle, Depends(usage_throttle)]


@router.post("/api-keys/resolve")
async def resolve_api_key(
    body: ApiKeyResolve, db: Database, usage: Usage, _: GatewayDep
) -> ResolvedApiKey:
    """The merchant, project and mode of a working API key; 404 api_key_invalid otherwise."""
    return await ApiKeyResolver(ApiKeyStore(db), MerchantStore(db), usage).resolve(body.key)


@router.get("/memberships/{merchant_id}/{user_id}")
async def membership(
    merchant_id: str, user_id: str, db: Database, _: GatewayDep
) -> GatewayMembership:
    """A user's role in a merchant, with the merchant's status and plan; 404 if not a member."""
    return await gateway_membership(MerchantStore(db), merchant_id, user_id)


@router.get("/users/by-email/{email}", response_model_by_alias=True)
async def user_by_email_route(email: str, db: Database, _: ServiceDep) -> UserByEmail:
    """The user registered with this email (any case, surrounding spaces ignored) and whether
    they verified it; 404 user_not_found otherwise. Only other services may ask."""
    return await user_by_email(UserStore(db), email)


@router.get("/merchants/{merchant_id}", response_model_by_alias=True)
async def merchant_profile_route(merchant_id: str, db: Database, _: ServiceDep) -> MerchantProfile:
    """The merchant's name and status, for pages other services show (the hosted checkout)."""
    return await merchant_profile(MerchantStore(db), merchant_id)
