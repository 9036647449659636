"""API key routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from services.auth.apikeys.schemas import (
    ApiKey,
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRotate,
    ApiKeyUpdate,
)
from services.auth.apikeys.service import ApiKeyService
from services.auth.apikeys.store import ApiKeyStore
from services.auth.deps import Settings, limited
from services.auth.errors import (
    ApiKeyNotActive,
    ApiKeyNotFound,
    ChangeInProgress,
    EmailNotVerified,
    GracePeriodTooLong,
    MerchantNotVerified,
    ProjectNotFound,
    RoleRequired,
)
from services.auth.merchants.deps import ActorDep, MerchantStoreDep
from services.auth.merchants.locks import Locks
from services.auth.merchants.projects.store import ProjectStore
from shared.app import Database
from shared.errors import RateLimited
from shared.identity import Mode
from shared.openapi import errors
from shared.paging import Page, PagingDep

# No Idempotency-Key replay here: a replay would need the stored response, and that response
# holds the key's secret, which is never stored anywhere.
router = APIRouter(tags=["api keys"])


async def api_key_service(
    db: Database, merchants: MerchantStoreDep, actor: ActorDep, settings: Settings
) -> ApiKeyService:
    return ApiKeyService(ApiKeyStore(db), ProjectStore(db), merchants, actor, settings, Locks(db))


ApiKeys = Annotated[ApiKeyService, Depends(api_key_service)]


@router.post(
    "/api/v1/projects/{project_id}/api-keys",
    status_code=201,
    summary="Create an API key",
    responses=errors(
        ProjectNotFound, RoleRequired, MerchantNotVerified, EmailNotVerified, RateLimited
    ),
    dependencies=[Depends(limited("api_key_create_per_user"))],
)
async def create_api_key(project_id: str, body: ApiKeyCreate, api_keys: ApiKeys) -> ApiKeyCreated:
    """Creates an API key; the response is the only time the whole key is shown."""
    return await api_keys.create(project_id, body)


@router.get(
    "/api/v1/projects/{project_id}/api-keys",
    summary="List a project's API keys",
    responses=errors(ProjectNotFound),
)
async def list_api_keys(
    project_id: str,
    api_keys: ApiKeys,
    paging: PagingDep,
    mode: Annotated[Mode | None, Query()] = None,
) -> Page[ApiKey]:
    """The project's API keys, newest first: prefix and last four characters, never the key."""
    return await api_keys.list(project_id, mode, paging)


@router.post(
    "/api/v1/api-keys/{key_id}/rotate",
    status_code=201,
    summary="Rotate an API key",
    responses=errors(
        ApiKeyNotFound,
        GracePeriodTooLong,
        RoleRequired,
        MerchantNotVerified,
        EmailNotVerified,
        ApiKeyNotActive,
        ChangeInProgress,
    ),
)
async def rotate_api_key(
    key_id: str, api_keys: ApiKeys, body: ApiKeyRotate | None = None
) -> ApiKeyCreated:
    """Replaces a key with a new one; the old one keeps working for the grace period."""
    return await api_keys.rotate(key_id, body or ApiKeyRotate())


@router.post(
    "/api/v1/api-keys/{key_id}/revoke",
    summary="Revoke an API key",
    responses=errors(ApiKeyNotFound, RoleRequired, ChangeInProgress),
)
async def revoke_api_key(key_id: str, api_keys: ApiKeys) -> ApiKey:
    """Revokes a key: it stops working at once."""
    return await api_keys.revoke(key_id)


@router.patch(
    "/api/v1/api-keys/{key_id}",
    summary="Update an API key",
    responses=errors(ApiKeyNotFound, RoleRequired, ChangeInProgress),
)
async def update_api_key(key_id: str, body: ApiKeyUpdate, api_keys: ApiKeys) -> ApiKey:
    """Renames a key or changes the addresses it may be used from."""
    return await api_keys.update(key_id, body)
