"""Logging in with email and password (and a second factor when the account has one).

An unknown email and a wrong password look the same from outside: the same 401 body, the same
argon2 work (against a dummy hash), the same counting of failures. Only once the password is
right does the answer say that a second factor is missing.
"""

from __future__ import annotations

from services.auth.audit import service as audit
from services.auth.audit.store import AuditStore
from services.auth.errors import InvalidCredentials, TwoFactorRequired
from services.auth.passwords import PasswordHasher
from services.auth.sessions.service import IssuedTokens, Sessions
from services.auth.throttle import LoginThrottle
from services.auth.twofactor.service import TwoFactor, is_enabled
from services.auth.users.store import UserStore
from shared.identity import Caller

_WRONG = "The email or password is wrong."


class Login:
    def __init__(
        self,
        users: UserStore,
        sessions: Sessions,
        two_factor: TwoFactor,
        hasher: PasswordHasher,
        throttle: LoginThrottle,
        audit_store: AuditStore,
    ) -> None:
        self._users = users
        self._sessions = sessions
        self._two_factor = two_factor
        self._hasher = hasher
        self._throttle = throttle
        self._audit = audit_store

    async def log_in(
        self,
        email: str,
        password: str,
        *,
        totp_code: str | None,
        recovery_code: str | None,
        caller: Caller,
        user_agent: str | None,
    ) -> IssuedTokens:
        attempt = await self._throttle.attempt(email, caller.ip)
        user = await self._users.get_by_email(email)
        matches, upgraded_hash = await self._hasher.verify(
            password, user["passwordHash"] if user else None
        )
        if user is None or not matches:
            await attempt.failed()
            await self._failed(email, user["_id"] if user else None, "password", caller, user_agent)
            raise InvalidCredentials(_WRONG)
        if is_enabled(user):
            if not totp_code and not recovery_code:
                await attempt.not_a_failure()
                raise TwoFactorRequired(
                    "This account has two-factor authentication: send `totpCode` from the "
                    "authenticator app or one of the `recoveryCode`s."
                )
            passed = await self._two_factor.check(
                user,
                totp_code=totp_code,
                recovery_code=recovery_code,
                caller=caller,
                user_agent=user_agent,
            )
            if not passed:
                await attempt.failed()
                await self._failed(email, user["_id"], "two_factor", caller, user_agent)
                raise TwoFactorRequired("The two-factor code is wrong or was already used.")
        issued = await self._sessions.start(user, ip=caller.ip, user_agent=user_agent)
        if issued is None:
            # The password changed between the check and now: the one given is no longer it.
            await attempt.failed()
            await self._failed(email, user["_id"], "password", caller, user_agent)
            raise InvalidCredentials(_WRONG)
        if upgraded_hash is not None:
            # The cost settings rose since this hash was made: store one at the current cost.
            await self._users.upgrade_hash(
                user["_id"], old_hash=user["passwordHash"], new_hash=upgraded_hash
            )
        await attempt.succeeded()
        await audit.record(
            self._audit,
            audit.LOGIN_SUCCEEDED,
            caller=caller,
            user_agent=user_agent,
            user_id=user["_id"],
            email=email,
            target={"sessionId": issued.session_id},
        )
        return issued

    async def _failed(
        self,
        email: str,
        user_id: str | None,
        reason: str,
        caller: Caller,
        user_agent: str | None,
    ) -> None:
        await audit.record(
            self._audit,
            audit.LOGIN_FAILED,
            caller=caller,
            user_agent=user_agent,
            user_id=user_id,
            email=email,
            target={"reason": reason},
        )
