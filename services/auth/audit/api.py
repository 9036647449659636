"""The merchant's audit log, for its owners."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from services.auth.audit.schemas import AuditEvent, event_view
from services.auth.audit.store import AuditStore
from services.auth.errors import MerchantNotFound, RoleRequired
from services.auth.merchants.deps import ActorDep, MerchantStoreDep
from services.auth.merchants.service import OWNER, require_role
from shared.app import Database
from shared.openapi import errors
from shared.paging import Page, PagingDep

router = APIRouter(tags=["audit"])


@router.get(
    "/api/v1/merchants/{merchant_id}/audit-logs",
    summary="A merchant's audit log",
    responses=errors(MerchantNotFound, RoleRequired),
)
async def list_audit_events(
    merchant_id: str,
    db: Database,
    merchants: MerchantStoreDep,
    actor: ActorDep,
    paging: PagingDep,
    action: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[AuditEvent]:
    """The merchant's audit events, newest first, optionally of one action (owners only)."""
    await require_role(merchants, merchant_id, actor.user_id, OWNER)
    query: dict[str, Any] = {"merchantId": merchant_id}
    if action is not None:
        query["action"] = action
    events, total = await AuditStore(db).page(query, skip=paging.skip, limit=paging.limit)
    return Page.of([event_view(doc) for doc in events], paging, total)
