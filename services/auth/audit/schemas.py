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
    # Its place in the merchant's chain (or the platform's), and its hash there; none for an
    # entry recorded before the log was chained.
    seq: int | None = None
    hash: str | None = None


class Verification(Schema):
    """Whether the chain holds: `entries` is how many hold in order from the first; `brokenAt`
    the position of the first that does not."""

    valid: bool
    entries: int
    broken_at: int | None


def event_view(doc: Document) -> AuditEvent:
    # Erased personal data reads as absent: the entry stays, nobody is named. An entry from
    # before the chain kept it in place.
    actor = doc.get("actor") or {"type": "anonymous"}
    legacy = {"email": actor.get("email"), "ip": doc.get("ip"), "userAgent": doc.get("userAgent")}
    personal = doc.get("personal") or ({} if "chain" in doc else legacy)
    target = doc.get("target") or {}
    if "targetEmail" in personal:
        target = {**target, "email": personal["targetEmail"]}
    return AuditEvent(
        id=doc["_id"],
        action=doc["action"],
        at=doc["at"],
        actor=AuditActor.model_validate({**actor, "email": personal.get("email")}),
        target=target,
        ip=personal.get("ip"),
        user_agent=personal.get("userAgent"),
        request_id=doc.get("requestId"),
        seq=doc.get("seq"),
        hash=doc.get("hash"),
    )
