"""Sessions: starting one at login, rotating its refresh token, ending it.

A session lasts at most `refresh_ttl_seconds` from login; its refresh tokens expire with it.
It is bound to the password it was started with (`passwordVersion`): a password change or reset
ends every session started under the old one, even one whose revocation was interrupted.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from redis.asyncio import Redis

from services.auth.audit import service as audit
from services.auth.audit.store import AuditStore
from services.auth.digest import digest
from services.auth.errors import InvalidRefreshToken
from services.auth.sessions.revocation import publish_revoked_session
from services.auth.sessions.store import ACTIVE, SessionStore
from services.auth.settings import AuthSettings
from services.auth.tokens.access import issue_access_token
from services.auth.tokens.keys import KeyRing
from services.auth.users.store import UserStore
from shared.identity import Caller
from shared.ids import new_id
from shared.mongo import Document

# Beyond this many live sessions a login ends the oldest, so the list in the user stays small.
MAX_SESSIONS_PER_USER = 50


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    expires_in: int
    refresh_token: str
    session_id: str
    user: Document


class Sessions:
    def __init__(
        self,
        store: SessionStore,
        users: UserStore,
        redis: Redis,
        settings: AuthSettings,
        key_ring: KeyRing,
        audit_store: AuditStore,
    ) -> None:
        self._store = store
        self._users = users
        self._redis = redis
        self._settings = settings
        self._key_ring = key_ring
        self._audit = audit_store

    async def start(
        self,
        user: Document,
        *,
        ip: str | None,
        user_agent: str | None,
    ) -> IssuedTokens | None:
        """Starts a session for a user whose credentials were just checked; None if the password
        changed meanwhile."""
        now = datetime.now(UTC)
        user_id: str = user["_id"]
        session_id = new_id("ses")
        expires_at = now + timedelta(seconds=self._settings.tokens.refresh_ttl_seconds)
        listed: dict[str, datetime] = user.get("sessions") or {}
        ended = [sid for sid, until in listed.items() if until <= now]
        live = sorted((until, sid) for sid, until in listed.items() if until > now)
        oldest = [sid for _, sid in live[: max(0, len(live) - MAX_SESSIONS_PER_USER + 1)]]
        for sid in oldest:
            await self.revoke(sid, user_id=user_id, reason="session_limit")
        await self._store.insert_session(
            {
                "_id": session_id,
                "userId": user_id,
                "status": ACTIVE,
                "passwordVersion": user["passwordVersion"],
                "createdAt": now,
                "expiresAt": expires_at,
                "ip": ip,
                "userAgent": user_agent,
            }
        )
        updated = await self._users.add_session(
            user_id,
            expected_version=user["passwordVersion"],
            session_id=session_id,
            expires_at=expires_at,
            forget=[*ended, *oldest],
        )
        if updated is None:
            await self._store.revoke_session(
                session_id, user_id=user_id, at=now, reason="password_changed"
            )
            return None
        return await self._issue(updated, session_id, expires_at, now)

    async def refresh(self, token: str, *, caller: Caller, user_agent: str | None) -> IssuedTokens:
        """Exchanges a refresh token for a new pair; a token presented twice ends its session."""
        now = datetime.now(UTC)
        token_id = digest(token)
        presented = await self._store.get_refresh_token(token_id)
        if presented is None or presented["expiresAt"] <= now:
            raise InvalidRefreshToken("The refresh token is invalid or expired; log in again.")
        if not await self._store.use_refresh_token(token_id, now):
            await self._refresh_token_reused(presented, caller=caller, user_agent=user_agent)
            raise InvalidRefreshToken("The refresh token is invalid or expired; log in again.")
        user_id: str = presented["userId"]
        session = await self._store.get_session(presented["sessionId"])
        user = await self._users.get(user_id)
        ended = InvalidRefreshToken("This session has ended; log in again.")
        if session is None or session["status"] != ACTIVE or session["expiresAt"] <= now:
            raise ended
        if user is None or session["passwordVersion"] != user["passwordVersion"]:
            # Started under an older password: a revocation must have been cut short. Finish it.
            await self.revoke(session["_id"], user_id=user_id, reason="password_changed")
            raise ended
        return await self._issue(user, session["_id"], session["expiresAt"], now)

    async def log_out(self, caller: Caller, *, user_agent: str | None) -> None:
        """Ends the caller's own session."""
        if caller.user_id is None or caller.session_id is None:
            return
        await self.revoke(caller.session_id, user_id=caller.user_id, reason="logout")
        await audit.record(
            self._audit,
            audit.LOGGED_OUT,
            caller=caller,
            user_agent=user_agent,
            target={"sessionId": caller.session_id},
        )

    async def revoke(self, session_id: str, *, user_id: str, reason: str) -> None:
        """Ends a session: its refresh tokens stop working at once, and the gateway refuses its
        access tokens within seconds. Safe to repeat."""
        now = datetime.now(UTC)
        await self._store.revoke_session(session_id, user_id=user_id, at=now, reason=reason)
        await self._users.forget_sessions(user_id, [session_id])
        await publish_revoked_session(
            self._redis, session_id, self._settings.tokens.access_ttl_seconds
        )

    async def revoke_all(self, user_id: str, *, keep: str | None, reason: str) -> None:
        """Ends every session of the user except `keep`."""
        user = await self._users.get(user_id)
        listed: dict[str, datetime] = (user or {}).get("sessions") or {}
        for session_id in listed:
            if session_id != keep:
                await self.revoke(session_id, user_id=user_id, reason=reason)

    async def follow_password(self, session_id: str, *, user_id: str, version: int) -> None:
        await self._store.follow_password(session_id, user_id=user_id, version=version)

    async def _issue(
        self, user: Document, session_id: str, expires_at: datetime, now: datetime
    ) -> IssuedTokens:
        refresh_token = secrets.token_urlsafe(32)
        await self._store.insert_refresh_token(
            {
                "_id": digest(refresh_token),
                "sessionId": session_id,
                "userId": user["_id"],
                "status": ACTIVE,
                "createdAt": now,
                "expiresAt": expires_at,
            }
        )
        verified = bool(user.get("emailVerified"))
        access_token, _ = issue_access_token(
            self._key_ring,
            self._settings.tokens,
            user_id=user["_id"],
            email=user["email"],
            email_verified=verified,
            platform_admin=bool(user.get("platformAdmin")) and verified,
            session_id=session_id,
        )
        return IssuedTokens(
            access_token=access_token,
            expires_in=self._settings.tokens.access_ttl_seconds,
            refresh_token=refresh_token,
            session_id=session_id,
            user=user,
        )

    async def _refresh_token_reused(
        self, token: Document, *, caller: Caller, user_agent: str | None
    ) -> None:
        # A rotated token came back: either it was stolen or the thief already rotated it.
        # Either way nobody can tell which holder is legitimate, so the whole family ends.
        await self.revoke(token["sessionId"], user_id=token["userId"], reason="refresh_reused")
        await audit.record(
            self._audit,
            audit.REFRESH_TOKEN_REUSED,
            caller=caller,
            user_agent=user_agent,
            user_id=token["userId"],
            target={"sessionId": token["sessionId"]},
        )
