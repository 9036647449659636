"""Invitations in MongoDB. An invitation's token names its `_id`, so accepting one is a lookup."""

from __future__ import annotations

from datetime import datetime

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from shared.mongo import CollectionIndexes, Document

INVITATIONS = "invitations"

INDEXES = (
    CollectionIndexes(INVITATIONS, (IndexModel([("merchantId", ASCENDING)], name="by_merchant"),)),
)


class InvitationStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._invitations = db[INVITATIONS]

    async def insert(self, invitation: Document) -> None:
        await self._invitations.insert_one(invitation)

    async def get(self, invitation_id: str) -> Document | None:
        return await self._invitations.find_one({"_id": invitation_id})

    async def pending(self, merchant_id: str, now: datetime) -> list[Document]:
        """The merchant's invitations not accepted and not expired, newest first (a merchant
        has few: they are read whole)."""
        cursor = self._invitations.find(
            {"merchantId": merchant_id, "status": "pending", "expiresAt": {"$gt": now}},
            {"tokenHash": 0},
        )
        return sorted(await cursor.to_list(), key=lambda doc: doc["createdAt"], reverse=True)

    async def delete(self, invitation_id: str) -> None:
        await self._invitations.delete_one({"_id": invitation_id})

    async def mark_accepted(self, invitation_id: str, user_id: str, now: datetime) -> None:
        await self._invitations.update_one(
            {"_id": invitation_id},
            {"$set": {"status": "accepted", "acceptedBy": user_id, "acceptedAt": now}},
        )
