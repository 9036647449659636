"""Two-factor state, kept in the user's document (`twoFactor`) so each change is one write.

`twoFactor` is `{enabled: false}` or `{enabled: false, pendingSecret}` during enrolment, and
`{enabled: true, secret, lastUsedStep, recoveryCodes: [sha256...], enabledAt}` once on.
Accepting a code is claimed once (`SingleUse`), so a code sent twice at the same moment passes
once; the user document then records it.

Both secrets are sealed (`shared.sealing`): whoever reads the database cannot make codes. Secrets
stored in the clear before they were sealed still work, until the re-seal job seals them.
"""

from __future__ import annotations

from datetime import datetime

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from services.auth.settings import AuthSettings
from services.auth.users.store import USERS, SingleUse
from shared.mongo import Document
from shared.reseal import SealedField
from shared.sealing import Sealer

SECRET_PURPOSE = "totp-secret"
# Where the sealed secrets are, for the re-seal job (shared/reseal.py).
SEALED_FIELDS = (
    SealedField(USERS, "twoFactor.secret", SECRET_PURPOSE),
    SealedField(USERS, "twoFactor.pendingSecret", SECRET_PURPOSE),
)


def totp_sealer(settings: AuthSettings) -> Sealer:
    return settings.sealing_keyring().sealer(SECRET_PURPOSE)


class TwoFactorStore:
    def __init__(self, db: AsyncDatabase[Document], sealer: Sealer) -> None:
        self._users = db[USERS]
        self._single_use = SingleUse(db)
        self._sealer = sealer

    def opened(self, stored: str) -> str:
        """The secret a user document holds (`twoFactor.secret` or `pendingSecret`)."""
        return self._sealer.open_field(stored)

    async def start_enrolment(self, user_id: str, secret: str) -> bool:
        """Keeps a new secret aside until a code proves the authenticator has it."""
        result = await self._users.update_one(
            {"_id": user_id, "twoFactor.enabled": False},
            {"$set": {"twoFactor.pendingSecret": self._sealer.seal(secret)}},
        )
        return result.matched_count == 1

    async def enable(
        self,
        user_id: str,
        *,
        pending: str,
        secret: str,
        step: int,
        recovery_codes: list[str],
        at: datetime,
    ) -> bool:
        """Turns the pending secret on, unless another enrolment replaced it meanwhile.
        `pending` is the secret as stored, `secret` as opened."""
        enabled = await self._users.find_one_and_update(
            {"_id": user_id, "twoFactor.enabled": False, "twoFactor.pendingSecret": pending},
            {
                "$set": {
                    "twoFactor": {
                        "enabled": True,
                        "secret": self._sealer.seal(secret),
                        "lastUsedStep": step,
                        "recoveryCodes": recovery_codes,
                        "enabledAt": at,
                    }
                }
            },
        )
        return enabled is not None

    async def use_step(self, user_id: str, step: int, at: datetime) -> bool:
        """Accepts the code of time step `step` once, and no step before the last one used."""
        state = await self._state(user_id)
        if not state.get("enabled") or step <= state.get("lastUsedStep", -1):
            return False
        if not await self._single_use.claim(f"totp:{user_id}:{step}", at):
            return False
        await self._users.update_one({"_id": user_id}, {"$max": {"twoFactor.lastUsedStep": step}})
        return True

    async def use_recovery_code(self, user_id: str, digest: str, at: datetime) -> int | None:
        """Uses the code up if the user has it; the number left, else None."""
        codes = (await self._state(user_id)).get("recoveryCodes") or []
        if digest not in codes:
            return None
        if not await self._single_use.claim(f"recovery:{user_id}:{digest}", at):
            return None
        after = await self._users.find_one_and_update(
            {"_id": user_id},
            {"$pull": {"twoFactor.recoveryCodes": digest}},
            return_document=ReturnDocument.AFTER,
        )
        return len(((after or {}).get("twoFactor") or {}).get("recoveryCodes") or [])

    async def _state(self, user_id: str) -> Document:
        user = await self._users.find_one({"_id": user_id}, {"twoFactor": 1})
        state: Document = (user or {}).get("twoFactor") or {}
        return state

    async def disable(self, user_id: str) -> bool:
        disabled = await self._users.find_one_and_update(
            {"_id": user_id, "twoFactor.enabled": True}, {"$set": {"twoFactor": {"enabled": False}}}
        )
        return disabled is not None
