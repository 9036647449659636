"""Recording audit events: who did what, from where, as part of which request."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from services.auth.audit.store import AuditStore
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
) -> None:
    """Appends one event; `user_id`/`email` name the actor when the caller is not logged in yet."""
    actor_user = user_id or (caller.user_id if caller else None)
    await store.append(
        {
            "_id": new_id("aud"),
            "action": action,
            "at": datetime.now(UTC),
            "userId": actor_user,
            "merchantId": merchant_id or (caller.merchant_id if caller else None),
            "actor": {
                "type": caller.kind if caller else "anonymous",
                "userId": actor_user,
                "email": email or (caller.email if caller else None),
                "keyId": caller.key_id if caller else None,
            },
            "target": target or {},
            "ip": caller.ip if caller else None,
            "userAgent": user_agent,
            "requestId": current_request_id(),
        }
    )
