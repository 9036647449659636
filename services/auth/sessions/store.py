"""Sessions and their refresh tokens.

A refresh token is stored only as its SHA-256 (`_id`), with its session, owner and expiry. Its
use is claimed once (`SingleUse`); `status` (`active` -> `used`) then records it. A session is
one login: its refresh tokens form one family, and revoking the session ends them all, since
every refresh checks the session first.
"""

from __future__ import annotations

from datetime import datetime

from pymongo.asynchronous.database import AsyncDatabase

from services.auth.users.store import SingleUse
from shared.mongo import Document

SESSIONS = "sessions"
REFRESH_TOKENS = "refresh_tokens"

ACTIVE = "active"
USED = "used"
REVOKED = "revoked"


class SessionStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._sessions = db[SESSIONS]
        self._refresh_tokens = db[REFRESH_TOKENS]
        self._single_use = SingleUse(db)

    async def insert_session(self, session: Document) -> None:
        await self._sessions.insert_one(session)

    async def get_session(self, session_id: str) -> Document | None:
        return await self._sessions.find_one({"_id": session_id})

    async def of_user(self, user_id: str) -> list[Document]:
        """Every session the user started, oldest first (ended ones included)."""
        return await self._sessions.find({"userId": user_id}).sort("createdAt", 1).to_list()

    async def erase_personal(self, user_id: str) -> None:
        """Forgets where the user's sessions came from; the sessions stay, revoked."""
        await self._sessions.update_many(
            {"userId": user_id}, {"$unset": {"ip": "", "userAgent": ""}}
        )

    async def revoke_session(
        self, session_id: str, *, user_id: str, at: datetime, reason: str
    ) -> Document | None:
        return await self._sessions.find_one_and_update(
            {"_id": session_id, "userId": user_id, "status": ACTIVE},
            {"$set": {"status": REVOKED, "revokedAt": at, "revokedReason": reason}},
        )

    async def follow_password(self, session_id: str, *, user_id: str, version: int) -> None:
        """Keeps a session alive across a password change made from inside it."""
        await self._sessions.update_one(
            {"_id": session_id, "userId": user_id, "status": ACTIVE},
            {"$set": {"passwordVersion": version}},
        )

    async def insert_refresh_token(self, token: Document) -> None:
        await self._refresh_tokens.insert_one(token)

    async def get_refresh_token(self, digest: str) -> Document | None:
        return await self._refresh_tokens.find_one({"_id": digest})

    async def use_refresh_token(self, digest: str, now: datetime) -> bool:
        """Claims the token's one use: of any number of concurrent callers exactly one gets
        True; every later caller gets False."""
        if not await self._single_use.claim(f"refresh:{digest}", now):
            return False
        await self._refresh_tokens.update_one(
            {"_id": digest}, {"$set": {"status": USED, "usedAt": now}}
        )
        return True
