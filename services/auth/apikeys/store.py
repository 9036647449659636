"""API keys in MongoDB, in three collections.

`api_keys` (`_id` = `key_…`) is what the dashboard lists. `api_key_secrets` (`_id` = the key's
SHA-256) is what resolving a key reads: one `_id` lookup, holding everything the gateway needs but
the merchant's plan. A key works exactly while its secret document exists and has not expired, so
revoking deletes it and rotating gives it an expiry. `api_key_usage` (`_id` = `key_…`) holds when
a key was last used, apart from the others, so that the write every authenticated request makes
touches a small document of its own and never the key a merchant is editing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from shared.claims import upsert
from shared.identity import Mode
from shared.mongo import CollectionIndexes, Document
from shared.paging import page_of

API_KEYS = "api_keys"
API_KEY_SECRETS = "api_key_secrets"
API_KEY_USAGE = "api_key_usage"

INDEXES = (
    CollectionIndexes(
        API_KEYS,
        (IndexModel([("projectId", ASCENDING), ("createdAt", DESCENDING)], name="by_project"),),
    ),
)


class ApiKeyStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._keys = db[API_KEYS]
        self._secrets = db[API_KEY_SECRETS]
        self._usage = db[API_KEY_USAGE]

    async def forget_creator(self, user_id: str) -> None:
        """The keys a person made stay the merchant's, no longer naming who made them."""
        await self._keys.update_many({"createdBy": user_id}, {"$set": {"createdBy": None}})

    async def insert_key(self, key: Document) -> None:
        await self._keys.insert_one(key)

    async def insert_secret(self, secret: Document) -> None:
        await self._secrets.insert_one(secret)

    async def key(self, key_id: str) -> Document | None:
        return await self._keys.find_one({"_id": key_id})

    async def secret(self, digest: str) -> Document | None:
        return await self._secrets.find_one({"_id": digest})

    async def of_project(
        self, project_id: str, mode: Mode | None, *, skip: int, limit: int
    ) -> tuple[list[Document], int]:
        query: Document = {"projectId": project_id}
        if mode is not None:
            query["mode"] = mode
        newest_first = [("createdAt", DESCENDING), ("_id", ASCENDING)]
        return await page_of(self._keys, query, newest_first, skip=skip, limit=limit)

    async def mark_rotated(self, key_id: str, replaced_by: str, expires_at: datetime) -> None:
        await self._keys.update_one(
            {"_id": key_id}, {"$set": {"expiresAt": expires_at, "replacedBy": replaced_by}}
        )

    async def expire_secret(self, digest: str, expires_at: datetime) -> None:
        await self._secrets.update_one({"_id": digest}, {"$set": {"expiresAt": expires_at}})

    async def delete_secret(self, digest: str) -> None:
        await self._secrets.delete_one({"_id": digest})

    async def mark_revoked(self, key_id: str, at: datetime) -> Document | None:
        return await self._keys.find_one_and_update(
            {"_id": key_id},
            {"$set": {"status": "revoked"}, "$min": {"revokedAt": at}},
            return_document=ReturnDocument.AFTER,
        )

    async def update_key(self, key_id: str, fields: dict[str, Any]) -> Document | None:
        return await self._keys.find_one_and_update(
            {"_id": key_id}, {"$set": fields}, return_document=ReturnDocument.AFTER
        )

    async def update_secret(self, digest: str, fields: dict[str, Any]) -> None:
        await self._secrets.update_one({"_id": digest}, {"$set": fields})

    async def record_use(self, key_id: str, at: datetime) -> None:
        """`$max` keeps the latest time whichever of two concurrent writers lands last."""
        await upsert(self._usage, {"_id": key_id}, {"$max": {"lastUsedAt": at}})

    async def last_used(self, key_ids: Sequence[str]) -> dict[str, datetime]:
        found = await asyncio.gather(*(self._usage.find_one({"_id": one}) for one in key_ids))
        return {doc["_id"]: doc["lastUsedAt"] for doc in found if doc is not None}
