"""The merchant's audit log, for its owners."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from services.auth.audit.store import AuditStore
from services.auth.merchants.deps import ActorDep, MerchantStoreDep
from services.auth.merchants.paging import Page, PagingDep
from services.auth.merchants.schemas import Schema
from services.auth.merchants.service import OWNER, require_role
from shared.app import Database
from shared.mongo import Document

router = APIRouter(tags=["audit"])


class AuditActor(Schema):
    type: str
    user_id: str | None = None
    email: str | None = None
    key_id: str | None = None


class AuditEvent(Schema):
    id: str
    action: str
    at: datetime
    actor: AuditActor
    target: dict[str, Any]
    ip: str | None = None
    user_agent: str | None = None
    request_id: str | None = None


def event_view(doc: Document) -> AuditEvent:
    return AuditEvent(
        id=doc["_id"],
        action=doc["action"],
        at=doc["at"],
        actor=AuditActor.model_validate(doc.get("actor") or {"type": "anonymous"}),
        target=doc.get("target") or {},
        ip=doc.get("ip"),
        user_agent=doc.get("userAgent"),
        request_id=doc.get("requestId"),
    )


@router.get("/api/v1/merchants/{merchant_id}/audit-logs")
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
