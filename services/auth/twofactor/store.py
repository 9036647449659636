"""Two-factor state, kept in the user's document (`twoFactor`) so each change is one atomic write.

`twoFactor` is `{enabled: false}` or `{enabled: false, pendingSecret}` during enrolment, and
`{enabled: true, secret, lastUsedStep, recoveryCodes: [sha256...], enabledAt}` once on.
"""

from __future__ import annotations

from datetime import datetime

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from services.auth.users.store import USERS
from shared.mongo import Document


class TwoFactorStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._users = db[USERS]

    async def start_enrolment(self, user_id: str, secret: str) -> bool:
        """Keeps a new secret aside until a code proves the authenticator has it."""
        result = await self._users.update_one(
            {"_id": user_id, "twoFactor.enabled": False},
            {"$set": {"twoFactor.pendingSecret": secret}},
        )
        return result.matched_count == 1

    async def enable(
        self, user_id: str, *, secret: str, step: int, recovery_codes: list[str], at: datetime
    ) -> bool:
        """Turns the pending secret on, unless another enrolment replaced it meanwhile."""
        enabled = await self._users.find_one_and_update(
            {"_id": user_id, "twoFactor.enabled": False, "twoFactor.pendingSecret": secret},
            {
                "$set": {
                    "twoFactor": {
                        "enabled": True,
                        "secret": secret,
                        "lastUsedStep": step,
                        "recoveryCodes": recovery_codes,
                        "enabledAt": at,
                    }
                }
            },
        )
        return enabled is not None

    async def use_step(self, user_id: str, step: int) -> bool:
        """Accepts the code of time step `step` once: no step at or before the last one used."""
        used = await self._users.find_one_and_update(
            {"_id": user_id, "twoFactor.enabled": True, "twoFactor.lastUsedStep": {"$lt": step}},
            {"$set": {"twoFactor.lastUsedStep": step}},
        )
        return used is not None

    async def use_recovery_code(self, user_id: str, digest: str) -> int | None:
        """Removes the code if the user still has it; the number left, else None."""
        after = await self._users.find_one_and_update(
            {"_id": user_id, "twoFactor.enabled": True, "twoFactor.recoveryCodes": digest},
            {"$pull": {"twoFactor.recoveryCodes": digest}},
            return_document=ReturnDocument.AFTER,
        )
        return None if after is None else len(after["twoFactor"].get("recoveryCodes", []))

    async def disable(self, user_id: str) -> bool:
        disabled = await self._users.find_one_and_update(
            {"_id": user_id, "twoFactor.enabled": True}, {"$set": {"twoFactor": {"enabled": False}}}
        )
        return disabled is not None
