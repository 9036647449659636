"""Recording audit events: who did what, from where, as part of which request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from services.auth.audit.chain import (
    Verification,
    canonical,
    chain_of,
    exported,
    personal_digest,
    salted,
    verify,
)
from services.auth.audit.store import AuditStore
from shared.clock import instant_text, now_ms
from shared.context import current_request_id
from shared.identity import Caller
from shared.ids import new_id

# The actions the log records. Names are past-tense facts.
LOGIN_SUCCEEDED = "user.login_succeeded"
LOGIN_FAILED = "user.login_failed"
LOGGED_OUT = "user.logged_out"
REGISTERED = "user.registered"
EMAIL_VERIFIED = "user.email_verified"
PASSWORD_CHANGED = "user.password_changed"
PROFILE_UPDATED = "user.profile_updated"
PASSWORD_RESET = "user.password_reset"
TWO_FACTOR_ENABLED = "user.two_factor_enabled"
TWO_FACTOR_DISABLED = "user.two_factor_disabled"
REFRESH_TOKEN_REUSED = "user.refresh_token_reused"
RECOVERY_CODE_USED = "user.recovery_code_used"
MERCHANT_CREATED = "merchant.created"
MERCHANT_VERIFIED = "merchant.verified"
MEMBER_INVITED = "member.invited"
MEMBER_JOINED = "member.joined"
MEMBER_ROLE_CHANGED = "member.role_changed"
MEMBER_REMOVED = "member.removed"
PROJECT_CREATED = "project.created"
API_KEY_CREATED = "api_key.created"
API_KEY_ROTATED = "api_key.rotated"
API_KEY_REVOKED = "api_key.revoked"
API_KEY_UPDATED = "api_key.updated"
AUDIT_LOG_EXPORTED = "audit_log.exported"
REFUND_CREATED = "refund.created"
PAYMENT_LINK_CREATED = "payment_link.created"
PAYMENT_LINK_DEACTIVATED = "payment_link.deactivated"
WEBHOOK_ENDPOINT_CREATED = "webhook_endpoint.created"
WEBHOOK_ENDPOINT_UPDATED = "webhook_endpoint.updated"
WEBHOOK_ENDPOINT_SECRET_ROTATED = "webhook_endpoint.secret_rotated"
WEBHOOK_ENDPOINT_DELETED = "webhook_endpoint.deleted"
WEBHOOK_ENDPOINT_VERIFICATION_REQUESTED = "webhook_endpoint.verification_requested"
DATA_EXPORTED = "user.data_exported"
ACCOUNT_DELETED = "user.account_deleted"


async def record(
    store: AuditStore,
    action: str,
    *,
    caller: Caller | None,
    user_agent: str | None = None,
    user_id: str | None = None,
    email: str | None = None,
    merchant_id: str | None = None,
    target: dict[str, Any] | None = None,
    event_id: str | None = None,
    actor_type: str | None = None,
) -> None:
    """Appends one event; `user_id`/`email` name the actor when the caller is not logged in yet.
    An `event_id` derived from the cause (an event of another service, whose name is then the
    `actor_type`) records it once."""
    actor_user = user_id or (caller.user_id if caller else None)
    merchant = merchant_id or (caller.merchant_id if caller else None)
    facts = _as_json(target or {})
    # Personal data is kept beside the chain, where erasing a person leaves the chain whole.
    personal = {
        "email": email or (caller.email if caller else None),
        "ip": caller.ip if caller else None,
        "userAgent": user_agent,
        "targetEmail": facts.pop("email", None),
    }
    kept = salted({name: value for name, value in personal.items() if value is not None})
    await store.append(
        {
            "_id": event_id or new_id("aud"),
            "chain": chain_of(merchant),
            "action": action,
            "at": now_ms(),
            "userId": actor_user,
            "merchantId": merchant,
            "actor": {
                "type": actor_type or (caller.kind if caller else "anonymous"),
                "userId": actor_user,
                "keyId": caller.key_id if caller else None,
            },
            "target": facts,
            "requestId": current_request_id(),
            "personal": kept,
            "personalDigest": personal_digest(kept),
        }
    )


def _as_json(value: Any) -> Any:
    """The target as the chain hashes it and the export writes it: times as API instants."""
    if isinstance(value, datetime):
        return instant_text(value)
    if isinstance(value, dict):
        return {str(name): _as_json(item) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [_as_json(item) for item in value]
    return value


async def verify_chain(store: AuditStore, chain: str) -> Verification:
    """Recomputes the chain from its first entry, as `expe audit verify` does from an export."""
    entries = [exported(doc) async for doc in store.chain(chain)]
    return verify(entries, expected_length=await store.head(chain))


async def export_lines(store: AuditStore, chain: str) -> AsyncIterator[bytes]:
    """The chain as JSON Lines, oldest first: what `expe audit verify` checks offline."""
    async for doc in store.chain(chain):
        yield canonical(exported(doc)) + b"\n"
