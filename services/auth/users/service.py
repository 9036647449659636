"""Accounts: registration, email verification, changing and resetting passwords.

Answers to anonymous callers about an email address (resend, forgot) are the same whether an
account exists or not, and take the same time: the work that depends on it (a token, an email)
runs after the response, in `send_*`.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from services.auth.audit import service as audit
from services.auth.audit.store import AuditStore
from services.auth.digest import digest
from services.auth.errors import EmailAlreadyRegistered, IncorrectPassword, InvalidToken
from services.auth.mail import Mailer
from services.auth.metrics import EMAILS_VERIFIED, SIGNUPS
from services.auth.passwords import PasswordHasher, check_policy
from services.auth.sessions.service import Sessions
from services.auth.settings import AuthSettings
from services.auth.throttle import LoginThrottle
from services.auth.users.emails import password_reset_email, verification_email
from services.auth.users.schemas import ProfileUpdate
from services.auth.users.store import UserStore
from shared.clock import now_ms
from shared.errors import Conflict, ServiceUnavailable, Unauthenticated
from shared.identity import Caller
from shared.ids import new_id
from shared.mongo import Document

logger = logging.getLogger("expe.auth.users")

VERIFY_EMAIL = "verify_email"
RESET_PASSWORD = "reset_password"


def normalize_email(email: str) -> str:
    return email.strip().lower()


class Users:
    def __init__(
        self,
        store: UserStore,
        sessions: Sessions,
        hasher: PasswordHasher,
        throttle: LoginThrottle,
        redis: Redis,
        mailer: Mailer,
        settings: AuthSettings,
        audit_store: AuditStore,
    ) -> None:
        self._store = store
        self._sessions = sessions
        self._hasher = hasher
        self._throttle = throttle
        self._redis = redis
        self._mailer = mailer
        self._settings = settings
        self._audit = audit_store

    async def get(self, user_id: str) -> Document:
        user = await self._store.get(user_id)
        if user is None:
            raise Unauthenticated("This account no longer exists.")
        return user

    async def register(
        self, *, email: str, password: str, name: str, caller: Caller, user_agent: str | None
    ) -> Document:
        """Creates an unverified account; `send_verification` then mails the link."""
        check_policy(password, email)
        if await self._store.email_owner(email) is not None:
            raise EmailAlreadyRegistered(
                "An account with this email already exists.", param="email"
            )
        password_hash = await self._hasher.hash(password)
        now = now_ms()
        user: Document = {
            "_id": new_id("usr"),
            "email": email,
            "name": name,
            "passwordHash": password_hash,
            "passwordVersion": 0,
            "emailVerified": False,
            "platformAdmin": email in {normalize_email(a) for a in self._settings.platform_admins},
            "twoFactor": {"enabled": False},
            "sessions": {},
            "createdAt": now,
            "updatedAt": now,
        }
        # The user first, then the email claim: a crash in between leaves an unreachable user
        # document, never an email that nobody can register.
        await self._store.insert(user)
        if not await self._store.claim_email(email, user["_id"], now):
            await self._store.delete(user["_id"])
            raise EmailAlreadyRegistered(
                "An account with this email already exists.", param="email"
            )
        SIGNUPS.inc()
        with contextlib.suppress(ServiceUnavailable):
            await self._take_cooldown(VERIFY_EMAIL, email)  # the first email counts as sent
        await audit.record(
            self._audit,
            audit.REGISTERED,
            caller=caller,
            user_agent=user_agent,
            user_id=user["_id"],
            email=email,
        )
        return user

    async def update_profile(
        self, user_id: str, body: ProfileUpdate, *, caller: Caller, user_agent: str | None
    ) -> Document:
        """Changes the name, time zone or notification choices given; the others stay."""
        fields: Document = {}
        if body.name is not None:
            fields["name"] = body.name
        if body.timezone is not None:
            fields["timezone"] = body.timezone
        if body.notifications is not None:
            chosen = body.notifications.model_dump(by_alias=True, exclude_none=True)
            fields.update({f"notifications.{name}": on for name, on in chosen.items()})
        if not fields:
            return await self.get(user_id)
        user = await self._store.update_profile(user_id, {**fields, "updatedAt": now_ms()})
        if user is None:
            raise Unauthenticated("This account no longer exists.")
        await audit.record(
            self._audit,
            audit.PROFILE_UPDATED,
            caller=caller,
            user_agent=user_agent,
            target={"fields": sorted(fields)},
        )
        return user

    async def verify_email(self, token: str, *, caller: Caller, user_agent: str | None) -> Document:
        now = datetime.now(UTC)
        used = await self._store.take_token(digest(token), VERIFY_EMAIL, now)
        user = (
            await self._store.mark_email_verified(used["userId"], used["email"], now)
            if used
            else None
        )
        if user is None:
            raise InvalidToken(
                "This verification link is invalid, used or expired; ask for a new one.",
                param="token",
            )
        EMAILS_VERIFIED.inc()
        await audit.record(
            self._audit,
            audit.EMAIL_VERIFIED,
            caller=caller,
            user_agent=user_agent,
            user_id=user["_id"],
            email=user["email"],
        )
        return user

    async def may_send(self, purpose: str, email: str) -> bool:
        """At most one email of a kind per address per `verification_resend_seconds`."""
        return await self._take_cooldown(purpose, email)

    async def send_verification(self, email: str) -> None:
        """Mails a fresh verification link if the account exists and is unverified."""
        try:
            user = await self._store.get_by_email(email)
            if user is not None and not user.get("emailVerified"):
                ttl = self._settings.email_token_ttl_seconds
                await self._mail_token(user, VERIFY_EMAIL, ttl, verification_email)
        except Exception:
            # Runs after the response: nobody is left to tell but the log (no address, no token).
            logger.exception("verification email not sent")

    async def send_password_reset(self, email: str) -> None:
        """Mails a password reset link if the account exists."""
        try:
            user = await self._store.get_by_email(email)
            if user is not None:
                ttl = self._settings.password_reset_ttl_seconds
                await self._mail_token(
                    user,
                    RESET_PASSWORD,
                    ttl,
                    password_reset_email,
                    passwordVersion=user["passwordVersion"],
                )
        except Exception:
            logger.exception("password reset email not sent")

    async def _mail_token(
        self,
        user: Document,
        purpose: str,
        ttl: int,
        template: Callable[..., tuple[str, str]],
        **extra: Any,
    ) -> None:
        """Makes a one-time token for `purpose` and mails it to the user with `template`."""
        token = await self._new_token(purpose, user, ttl, **extra)
        subject, text = template(
            public_url=self._settings.public_url, name=user["name"], token=token, ttl_seconds=ttl
        )
        await self._mailer.send(user["email"], subject, text)

    async def reset_password(
        self, token: str, new_password: str, *, caller: Caller, user_agent: str | None
    ) -> None:
        """Sets a new password from an emailed token and ends every session."""
        invalid = InvalidToken(
            "This reset link is invalid, used or expired; ask for a new one.", param="token"
        )
        now = datetime.now(UTC)
        token_id = digest(token)
        pending = await self._store.peek_token(token_id, RESET_PASSWORD, now)
        user = await self._store.get(pending["userId"]) if pending else None
        if user is None:
            raise invalid
        # The policy is checked before the token is used up, so a refused password costs nothing.
        check_policy(new_password, user["email"])
        password_hash = await self._hasher.hash(new_password)
        used = await self._store.take_token(token_id, RESET_PASSWORD, now)
        if used is None:
            raise invalid
        # Only the password the link was sent for may be replaced: a link from before another
        # change or reset is void. Following the emailed link also proves the address.
        updated = await self._store.set_password(
            user["_id"],
            expected_version=used["passwordVersion"],
            password_hash=password_hash,
            at=now,
            verify_email=True,
        )
        if updated is None:
            raise invalid
        await self._sessions.revoke_all(user["_id"], keep=None, reason="password_reset")
        await self._throttle.reset_account(user["email"])
        await audit.record(
            self._audit,
            audit.PASSWORD_RESET,
            caller=caller,
            user_agent=user_agent,
            user_id=user["_id"],
            email=user["email"],
        )

    async def change_password(
        self, current: str, new: str, *, caller: Caller, user_agent: str | None
    ) -> None:
        """Replaces the password and ends every other session of the user."""
        assert caller.user_id is not None
        user = await self.get(caller.user_id)
        check_policy(new, user["email"])
        # Guessing the current password through this route is throttled like logging in.
        attempt = await self._throttle.attempt(user["email"], caller.ip)
        matches, _ = await self._hasher.verify(current, user["passwordHash"])
        if not matches:
            await attempt.failed()
            raise IncorrectPassword("The current password is wrong.", param="currentPassword")
        await attempt.succeeded()
        password_hash = await self._hasher.hash(new)
        updated = await self._store.set_password(
            user["_id"],
            expected_version=user["passwordVersion"],
            password_hash=password_hash,
            at=datetime.now(UTC),
        )
        if updated is None:
            raise Conflict("The password was changed by another request meanwhile; try again.")
        if caller.session_id is not None:
            await self._sessions.follow_password(
                caller.session_id, user_id=user["_id"], version=updated["passwordVersion"]
            )
        await self._sessions.revoke_all(
            user["_id"], keep=caller.session_id, reason="password_changed"
        )
        await audit.record(
            self._audit, audit.PASSWORD_CHANGED, caller=caller, user_agent=user_agent
        )

    async def audit_log(self, user_id: str, *, page: int, limit: int) -> tuple[list[Document], int]:
        """The user's own security events, newest first."""
        return await self._audit.page({"userId": user_id}, skip=(page - 1) * limit, limit=limit)

    async def _new_token(self, purpose: str, user: Document, ttl: int, **extra: Any) -> str:
        token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        await self._store.insert_token(
            {
                "_id": digest(token),
                "purpose": purpose,
                "userId": user["_id"],
                "email": user["email"],
                "createdAt": now,
                "expiresAt": now + timedelta(seconds=ttl),
                **extra,
            }
        )
        return token

    async def _take_cooldown(self, purpose: str, email: str) -> bool:
        key = f"expe:mail-cooldown:{purpose}:{digest(email)}"
        try:
            taken = await self._redis.set(
                key, 1, nx=True, ex=self._settings.verification_resend_seconds
            )
        except RedisError as error:
            raise ServiceUnavailable("Email cannot be sent right now; try again.") from error
        return bool(taken)
