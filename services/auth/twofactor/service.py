"""TOTP two-factor authentication (RFC 6238, 30-second steps, 6 digits) and recovery codes.

A code is accepted for the current step or one step either side (clock drift), and each step at
most once: the last step used is kept, and only later steps pass. Recovery codes are random,
stored as SHA-256 digests, and each works once.
"""

from __future__ import annotations

import base64
import hmac
import io
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyotp
import segno

from services.auth.audit import service as audit
from services.auth.audit.store import AuditStore
from services.auth.digest import digest
from services.auth.errors import (
    InvalidTwoFactorCode,
    TwoFactorAlreadyEnabled,
    TwoFactorNotEnabled,
    TwoFactorNotEnrolled,
)
from services.auth.twofactor.store import TwoFactorStore
from shared.identity import Caller
from shared.mongo import Document

ISSUER = "Expe"
RECOVERY_CODE_COUNT = 10
# 16 characters of 31 unambiguous ones (no 0/o, 1/l/i): about 79 bits each.
_RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
_RECOVERY_GROUP = 4
_RECOVERY_LENGTH = 16
_TOTP_CODE = re.compile(r"^\d{6}$")
_DRIFT_STEPS = 1


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code `code` is, within the allowed drift; None if none is."""
    code = code.replace(" ", "")
    if not _TOTP_CODE.match(code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - _DRIFT_STEPS, current + _DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    groups = [raw[i : i + _RECOVERY_GROUP] for i in range(0, _RECOVERY_LENGTH, _RECOVERY_GROUP)]
    return "-".join(groups)


def recovery_digest(code: str) -> str:
    normalized = re.sub(r"[\s-]", "", code).lower()
    return digest(normalized)


def qr_png_data_uri(content: str) -> str:
    buffer = io.BytesIO()
    segno.make(content, error="m").save(buffer, kind="png", scale=6, border=4)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@dataclass(frozen=True)
class Enrolment:
    secret: str
    otpauth_uri: str
    qr_code_png: str


class TwoFactor:
    def __init__(self, store: TwoFactorStore, audit_store: AuditStore) -> None:
        self._store = store
        self._audit = audit_store

    async def enroll(self, user: Document) -> Enrolment:
        """A new secret to scan; it takes effect once `confirm` sees a code made from it."""
        if _state(user).get("enabled"):
            raise TwoFactorAlreadyEnabled("Two-factor authentication is already on.")
        secret = pyotp.random_base32()
        if not await self._store.start_enrolment(user["_id"], secret):
            raise TwoFactorAlreadyEnabled("Two-factor authentication is already on.")
        uri = pyotp.TOTP(secret).provisioning_uri(name=user["email"], issuer_name=ISSUER)
        return Enrolment(secret=secret, otpauth_uri=uri, qr_code_png=qr_png_data_uri(uri))

    async def confirm(
        self, user: Document, code: str, *, caller: Caller, user_agent: str | None
    ) -> list[str]:
        """Turns two-factor on; returns the recovery codes, shown this once only."""
        state = _state(user)
        if state.get("enabled"):
            raise TwoFactorAlreadyEnabled("Two-factor authentication is already on.")
        pending = state.get("pendingSecret")
        if not pending:
            raise TwoFactorNotEnrolled("Start two-factor enrolment before confirming it.")
        secret = self._store.opened(pending)
        now = datetime.now(UTC)
        step = matching_step(secret, code, now)
        if step is None:
            raise InvalidTwoFactorCode(
                "The code does not match; check the authenticator's clock.", param="code"
            )
        codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
        enabled = await self._store.enable(
            user["_id"],
            pending=pending,
            secret=secret,
            step=step,
            recovery_codes=[recovery_digest(code) for code in codes],
            at=now,
        )
        if not enabled:
            raise TwoFactorNotEnrolled("The enrolment was replaced by a newer one; start again.")
        await audit.record(
            self._audit, audit.TWO_FACTOR_ENABLED, caller=caller, user_agent=user_agent
        )
        return codes

    async def disable(
        self, user: Document, code: str, *, caller: Caller, user_agent: str | None
    ) -> None:
        """Turns two-factor off, given a current code (or an unused recovery code)."""
        if not _state(user).get("enabled"):
            raise TwoFactorNotEnabled("Two-factor authentication is not on.")
        passed = await self.check_code(user, code, caller=caller, user_agent=user_agent)
        if not passed:
            raise InvalidTwoFactorCode("The code is wrong or was already used.", param="code")
        if not await self._store.disable(user["_id"]):
            raise TwoFactorNotEnabled("Two-factor authentication is not on.")
        await audit.record(
            self._audit, audit.TWO_FACTOR_DISABLED, caller=caller, user_agent=user_agent
        )

    async def check(
        self,
        user: Document,
        *,
        totp_code: str | None,
        recovery_code: str | None,
        caller: Caller,
        user_agent: str | None,
    ) -> bool:
        """Whether the codes given at login pass (using them up)."""
        if totp_code:
            return await self._use_totp(user, totp_code)
        if recovery_code:
            return await self._use_recovery_code(
                user, recovery_code, caller=caller, user_agent=user_agent
            )
        return False

    async def check_code(
        self, user: Document, code: str, *, caller: Caller, user_agent: str | None
    ) -> bool:
        """A code that may be either kind: six digits are a TOTP code, else a recovery code."""
        if _TOTP_CODE.match(code.replace(" ", "")):
            return await self._use_totp(user, code)
        return await self._use_recovery_code(user, code, caller=caller, user_agent=user_agent)

    async def _use_totp(self, user: Document, code: str) -> bool:
        stored = _state(user).get("secret")
        if not stored:
            return False
        now = datetime.now(UTC)
        step = matching_step(self._store.opened(stored), code, now)
        return step is not None and await self._store.use_step(user["_id"], step, now)

    async def _use_recovery_code(
        self, user: Document, code: str, *, caller: Caller, user_agent: str | None
    ) -> bool:
        left = await self._store.use_recovery_code(
            user["_id"], recovery_digest(code), datetime.now(UTC)
        )
        if left is None:
            return False
        await audit.record(
            self._audit,
            audit.RECOVERY_CODE_USED,
            caller=caller,
            user_agent=user_agent,
            user_id=user["_id"],
            email=user["email"],
            target={"recoveryCodesLeft": left},
        )
        return True


def is_enabled(user: Document) -> bool:
    return bool(_state(user).get("enabled"))


def _state(user: Document) -> dict[str, Any]:
    state: dict[str, Any] = user.get("twoFactor") or {}
    return state
