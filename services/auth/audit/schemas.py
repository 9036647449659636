"""How an audit event looks in the API."""

from __future__ import annotations

from typing import Any

from shared.mongo import Document
from shared.schemas import Instant, Schema


class AuditActor(Schema):
    type: str
    user_id: str | None = None
    email: str | None = None
    key_id: str | None = None


class AuditEvent(Schema):
    id: str
    action: str
    at: Instant
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
