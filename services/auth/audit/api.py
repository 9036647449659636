"""The merchant's audit log, for its owners: pages of it, the whole chain as JSON Lines, and
whether the chain still holds."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from services.auth.audit import service as audit
from services.auth.audit.chain import chain_of
from services.auth.audit.schemas import AuditEvent, Verification, event_view
from services.auth.audit.store import AuditStore
from services.auth.errors import MerchantNotFound, RoleRequired
from services.auth.merchants.deps import ActorDep, MerchantStoreDep
from services.auth.merchants.service import OWNER, require_role
from shared.app import Database
from shared.openapi import errors
from shared.paging import Page, PagingDep

router = APIRouter(tags=["audit"])

JSON_LINES = "application/x-ndjson"


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


@router.get(
    "/api/v1/merchants/{merchant_id}/audit-logs/export",
    summary="Export a merchant's audit log",
    response_class=StreamingResponse,
    responses={
        200: {"content": {JSON_LINES: {}}, "description": "One entry a line, oldest first."},
        **errors(MerchantNotFound, RoleRequired),
    },
)
async def export_audit_log(
    merchant_id: str, db: Database, merchants: MerchantStoreDep, actor: ActorDep
) -> StreamingResponse:
    """The merchant's whole chain as JSON Lines, oldest first, each entry with its hash, for
    `expe audit verify` to check offline (owners only; the export is itself audited)."""
    await require_role(merchants, merchant_id, actor.user_id, OWNER)
    await actor.record(audit.AUDIT_LOG_EXPORTED, merchant_id=merchant_id, target={})
    store = AuditStore(db)
    return StreamingResponse(
        audit.export_lines(store, chain_of(merchant_id)),
        media_type=JSON_LINES,
        headers={"Content-Disposition": f'attachment; filename="audit-{merchant_id}.jsonl"'},
    )


@router.get(
    "/api/v1/merchants/{merchant_id}/audit-logs/verify",
    summary="Verify a merchant's audit log",
    responses=errors(MerchantNotFound, RoleRequired),
)
async def verify_audit_log(
    merchant_id: str, db: Database, merchants: MerchantStoreDep, actor: ActorDep
) -> Verification:
    """Recomputes the merchant's chain: whether every entry is there, unchanged and in order,
    and otherwise the position of the first that is not (owners only)."""
    await require_role(merchants, merchant_id, actor.user_id, OWNER)
    result = await audit.verify_chain(AuditStore(db), chain_of(merchant_id))
    return Verification(valid=result.valid, entries=result.entries, broken_at=result.broken_at)
