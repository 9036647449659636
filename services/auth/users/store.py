"""Users, the email -> user map, and one-time email tokens.

Every lookup goes by `_id` (the local store scans for any other filter): a user by id,
an email through `user_emails` (`_id` = normalized email, which also makes emails unique), a
one-time token by the SHA-256 of its value. The ids of a user's live sessions are kept in the user
document (`sessions.<id>` = expiry), so revoking them all needs no scan either.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from shared.claims import insert_once
from shared.mongo import Document

USERS = "users"
USER_EMAILS = "user_emails"
ONE_TIME_TOKENS = "one_time_tokens"
SINGLE_USES = "single_uses"


class SingleUse:
    """Things that may happen once (a refresh token used, a code accepted): a claim
    (`shared.claims`) of a key naming it, kept as the record that it happened."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._uses = db[SINGLE_USES]

    async def claim(self, key: str, at: datetime) -> bool:
        """True for exactly one caller per key, ever."""
        return await insert_once(self._uses, {"_id": key, "at": at})


class UserStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._users = db[USERS]
        self._emails = db[USER_EMAILS]
        self._tokens = db[ONE_TIME_TOKENS]

    # -- users -------------------------------------------------------------------------------

    async def get(self, user_id: str) -> Document | None:
        return await self._users.find_one({"_id": user_id})

    async def email_owner(self, email: str) -> str | None:
        """The id of the user registered with this (normalized) email."""
        claim = await self._emails.find_one({"_id": email})
        return str(claim["userId"]) if claim else None

    async def get_by_email(self, email: str) -> Document | None:
        user_id = await self.email_owner(email)
        # Two reads either way, so the time taken does not tell whether the email is known.
        return await self.get(user_id or "usr_none")

    async def insert(self, user: Document) -> None:
        await self._users.insert_one(user)

    async def claim_email(self, email: str, user_id: str, at: datetime) -> bool:
        """Makes `email` point at `user_id`; False when another user holds it."""
        return await insert_once(self._emails, {"_id": email, "userId": user_id, "createdAt": at})

    async def delete(self, user_id: str) -> None:
        await self._users.delete_one({"_id": user_id})

    async def update_profile(self, user_id: str, fields: Document) -> Document | None:
        """Sets `fields` (stored names, dotted for one notification) and returns the user."""
        return await self._users.find_one_and_update(
            {"_id": user_id}, {"$set": fields}, return_document=ReturnDocument.AFTER
        )

    async def mark_email_verified(self, user_id: str, email: str, at: datetime) -> Document | None:
        return await self._users.find_one_and_update(
            {"_id": user_id, "email": email},
            {"$set": {"emailVerified": True, "emailVerifiedAt": at, "updatedAt": at}},
            return_document=ReturnDocument.AFTER,
        )

    async def set_password(
        self,
        user_id: str,
        *,
        expected_version: int,
        password_hash: str,
        at: datetime,
        verify_email: bool = False,
    ) -> Document | None:
        """Replaces the hash if no other change came first (of two racing, exactly one finds
        `expected_version` and passes); bumps `passwordVersion`, which ends every session started
        under the old password."""
        changes: dict[str, Any] = {"passwordHash": password_hash, "updatedAt": at}
        if verify_email:
            changes["emailVerified"] = True
        return await self._users.find_one_and_update(
            {"_id": user_id, "passwordVersion": expected_version},
            {"$set": changes, "$inc": {"passwordVersion": 1}},
            return_document=ReturnDocument.AFTER,
        )

    async def add_session(
        self,
        user_id: str,
        *,
        expected_version: int,
        session_id: str,
        expires_at: datetime,
        forget: Iterable[str] = (),
    ) -> Document | None:
        """Lists a new session (dropping ended ones) if the password is still the one checked."""
        update: dict[str, Any] = {"$set": {f"sessions.{session_id}": expires_at}}
        dropped = {f"sessions.{old}": "" for old in forget if old != session_id}
        if dropped:
            update["$unset"] = dropped
        return await self._users.find_one_and_update(
            {"_id": user_id, "passwordVersion": expected_version},
            update,
            return_document=ReturnDocument.AFTER,
        )

    async def upgrade_hash(self, user_id: str, *, old_hash: str, new_hash: str) -> None:
        """Stores a re-hash of the same password, unless the password changed meanwhile (the
        exact old hash is the condition, so a re-hash never overwrites a new password)."""
        await self._users.update_one(
            {"_id": user_id, "passwordHash": old_hash}, {"$set": {"passwordHash": new_hash}}
        )

    async def erase(self, user_id: str, *, email: str, tombstone: str, at: datetime) -> None:
        """Replaces the person's data with a tombstone: the email is one nobody can log in with
        or mail to, the password is gone (its version moves on, ending every session), and the
        email is free to register again. Pending emailed tokens are voided."""
        await self._users.update_one(
            {"_id": user_id},
            {
                "$set": {
                    "email": tombstone,
                    "name": "",
                    "passwordHash": None,
                    "emailVerified": False,
                    "platformAdmin": False,
                    "twoFactor": {"enabled": False},
                    "sessions": {},
                    "notifications": {
                        "paymentFailures": False,
                        "webhookFailures": False,
                        "weeklySummary": False,
                    },
                    "deletedAt": at,
                    "updatedAt": at,
                },
                "$unset": {"timezone": "", "emailVerifiedAt": ""},
                "$inc": {"passwordVersion": 1},
            },
        )
        await self._emails.delete_one({"_id": email, "userId": user_id})
        await self._tokens.delete_many({"userId": user_id})

    async def forget_sessions(self, user_id: str, session_ids: Iterable[str]) -> None:
        dropped = {f"sessions.{session_id}": "" for session_id in session_ids}
        if dropped:
            await self._users.update_one({"_id": user_id}, {"$unset": dropped})

    # -- one-time tokens (email verification, password reset) ----------------------------------

    async def insert_token(self, token: Document) -> None:
        await self._tokens.insert_one(token)

    async def peek_token(self, digest: str, purpose: str, now: datetime) -> Document | None:
        return await self._tokens.find_one(
            {"_id": digest, "purpose": purpose, "expiresAt": {"$gt": now}}
        )

    async def take_token(self, digest: str, purpose: str, now: datetime) -> Document | None:
        """Uses the token up: of concurrent takers exactly one gets it (the delete is atomic)."""
        return await self._tokens.find_one_and_delete(
            {"_id": digest, "purpose": purpose, "expiresAt": {"$gt": now}}
        )
