"""A person's data: all of it exported on request, and erased when they delete their account.

Erasing drops the name, the email, the password, the second factor, the memberships and where
the sessions came from. It keeps what belongs to the merchants the person worked for: their
payments, refunds and ledger (in the other services, untouched), the API keys they made (no
longer naming them), and the audit log, whose entries stay in their chain with the personal data
beside it dropped (`services.auth.audit.chain`). The user document stays as a tombstone, so ids in
those records point at "a deleted person" rather than at nothing or at someone new.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from services.auth.apikeys.store import ApiKeyStore
from services.auth.audit import service as audit
from services.auth.audit.schemas import event_view
from services.auth.audit.store import AuditStore
from services.auth.errors import IncorrectPassword, LastOwnerRequired, TwoFactorRequired
from services.auth.merchants.locks import Locks
from services.auth.merchants.store import MerchantStore
from services.auth.passwords import PasswordHasher
from services.auth.sessions.service import Sessions
from services.auth.sessions.store import SessionStore
from services.auth.throttle import LoginThrottle
from services.auth.twofactor.service import TwoFactor, is_enabled
from services.auth.users.schemas import User
from services.auth.users.store import UserStore
from shared.clock import instant_text
from shared.identity import Caller
from shared.mongo import Document

# Memberships are read in pages of this size; a person belongs to a handful of merchants.
_PAGE = 100


def tombstone_email(user_id: str) -> str:
    """An address under `.invalid` (RFC 2606): no mail can reach it and nobody can register it."""
    return f"deleted-{user_id}@deleted.invalid"


class Privacy:
    def __init__(
        self,
        users: UserStore,
        sessions: Sessions,
        session_store: SessionStore,
        merchants: MerchantStore,
        locks: Locks,
        api_keys: ApiKeyStore,
        two_factor: TwoFactor,
        hasher: PasswordHasher,
        throttle: LoginThrottle,
        audit_store: AuditStore,
    ) -> None:
        self._users = users
        self._sessions = sessions
        self._session_store = session_store
        self._merchants = merchants
        self._locks = locks
        self._api_keys = api_keys
        self._two_factor = two_factor
        self._hasher = hasher
        self._throttle = throttle
        self._audit = audit_store

    async def export(self, user: Document, *, caller: Caller, user_agent: str | None) -> Document:
        """Everything held about the person, as JSON: no password hash, no 2FA secret or
        recovery code, no token."""
        user_id: str = user["_id"]
        memberships = await self._memberships(user_id)
        merchants = await self._merchants.merchants([m["merchantId"] for m in memberships])
        sessions = await self._session_store.of_user(user_id)
        # Recorded first, so the export holds its own entry too.
        await audit.record(self._audit, audit.DATA_EXPORTED, caller=caller, user_agent=user_agent)
        about = await self._audit.about(user_id, user["email"])
        two_factor = user.get("twoFactor") or {}
        return {
            "exportedAt": instant_text(datetime.now(UTC)),
            "profile": User.of(user).model_dump(mode="json", by_alias=True),
            "twoFactor": {
                "enabled": is_enabled(user),
                "enabledAt": _instant(two_factor.get("enabledAt")),
                "recoveryCodesLeft": len(two_factor.get("recoveryCodes") or []),
            },
            "memberships": [
                {
                    "merchantId": m["merchantId"],
                    "merchantName": (merchants.get(m["merchantId"]) or {}).get("name"),
                    "role": m["role"],
                    "joinedAt": _instant(m.get("joinedAt")),
                }
                for m in memberships
            ],
            "sessions": [_session_view(s) for s in sessions],
            "auditEvents": [event_view(e).model_dump(mode="json", by_alias=True) for e in about],
        }

    async def delete(
        self,
        user: Document,
        password: str,
        code: str | None,
        *,
        caller: Caller,
        user_agent: str | None,
    ) -> None:
        """Erases the person once they proved it is them (password, and a second factor when
        on); refused while they are the last owner of a merchant."""
        user_id: str = user["_id"]
        email: str = user["email"]
        await self._reauthenticate(user, password, code, caller=caller, user_agent=user_agent)
        memberships = await self._memberships(user_id)
        for membership in memberships:
            if membership["role"] == "owner":
                await self._refuse_if_last_owner(membership["merchantId"])
        # What is recorded from here on names them by id only.
        anonymous = caller.model_copy(update={"email": None, "ip": None})
        for membership in memberships:
            async with self._locks.hold(f"members:{membership['merchantId']}"):
                if membership["role"] == "owner":
                    await self._refuse_if_last_owner(membership["merchantId"])
                await self._merchants.delete_membership(membership["merchantId"], user_id)
            await audit.record(
                self._audit,
                audit.MEMBER_REMOVED,
                caller=anonymous,
                merchant_id=membership["merchantId"],
                target={"userId": user_id, "role": membership["role"], "reason": "account_deleted"},
            )
        await self._sessions.revoke_all(user_id, keep=None, reason="account_deleted")
        await self._session_store.erase_personal(user_id)
        await self._users.erase(
            user_id, email=email, tombstone=tombstone_email(user_id), at=datetime.now(UTC)
        )
        await self._api_keys.forget_creator(user_id)
        await self._audit.erase_personal(user_id, email)
        await self._throttle.reset_account(email)
        await audit.record(
            self._audit,
            audit.ACCOUNT_DELETED,
            caller=anonymous,
            target={"merchantsLeft": [m["merchantId"] for m in memberships]},
        )

    async def _reauthenticate(
        self,
        user: Document,
        password: str,
        code: str | None,
        *,
        caller: Caller,
        user_agent: str | None,
    ) -> None:
        # Guessing the password through this route is throttled like logging in.
        attempt = await self._throttle.attempt(user["email"], caller.ip)
        matches, _ = await self._hasher.verify(password, user["passwordHash"])
        if not matches:
            await attempt.failed()
            raise IncorrectPassword("The password is wrong.", param="password")
        if is_enabled(user):
            if not code:
                await attempt.not_a_failure()
                raise TwoFactorRequired(
                    "This account has two-factor authentication: send `code` from the "
                    "authenticator app or one of the recovery codes."
                )
            if not await self._two_factor.check_code(
                user, code, caller=caller, user_agent=user_agent
            ):
                await attempt.failed()
                raise TwoFactorRequired("The two-factor code is wrong or was already used.")
        await attempt.succeeded()

    async def _refuse_if_last_owner(self, merchant_id: str) -> None:
        if await self._merchants.count_owners(merchant_id) <= 1:
            merchant = await self._merchants.merchant(merchant_id) or {}
            raise LastOwnerRequired(
                f"You are the last owner of {merchant.get('name', merchant_id)} ({merchant_id}): "
                "make another member an owner first, then delete your account."
            )

    async def _memberships(self, user_id: str) -> list[Document]:
        found: list[Document] = []
        while True:
            page, total = await self._merchants.memberships_of_user(
                user_id, skip=len(found), limit=_PAGE
            )
            found.extend(page)
            if not page or len(found) >= total:
                return found


def _session_view(session: Document) -> dict[str, Any]:
    return {
        "id": session["_id"],
        "status": session["status"],
        "createdAt": _instant(session["createdAt"]),
        "expiresAt": _instant(session["expiresAt"]),
        "revokedAt": _instant(session.get("revokedAt")),
        "ip": session.get("ip"),
        "userAgent": session.get("userAgent"),
    }


def _instant(value: datetime | None) -> str | None:
    return instant_text(value) if value is not None else None
