"""Internal routes: only the gateway may call them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from services.auth.apikeys.schemas import ResolvedApiKey
from services.auth.apikeys.service import ApiKeyResolver
from services.auth.apikeys.store import ApiKeyStore
from services.auth.apikeys.usage import UsageThrottle
from services.auth.internal.schemas import ApiKeyResolve, GatewayMembership
from services.auth.internal.service import gateway_membership
from services.auth.merchants.store import MerchantStore
from shared.app import Database
from shared.identity import GatewayDep

router = APIRouter(prefix="/internal/v1", tags=["internal"], include_in_schema=False)


def usage_throttle(request: Request) -> UsageThrottle:
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
