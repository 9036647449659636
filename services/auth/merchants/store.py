"""Merchants and memberships in MongoDB.

Every lookup on a hot path goes by `_id` (the local store scans for any other filter): a
membership's `_id` is `<merchantId>:<userId>`. Changes to a merchant's members are made under
the merchant's members lock (see `locks.py`), so counting its owners and then changing one
cannot interleave with another such change.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from shared.claims import insert_once
from shared.identity import MemberRole
from shared.mongo import CollectionIndexes, Document, count_matching
from shared.paging import page_of

MERCHANTS = "merchants"
MEMBERSHIPS = "memberships"

INDEXES = (
    CollectionIndexes(
        MEMBERSHIPS,
        (
            IndexModel([("userId", ASCENDING), ("joinedAt", ASCENDING)], name="by_user"),
            IndexModel([("merchantId", ASCENDING), ("joinedAt", ASCENDING)], name="by_merchant"),
        ),
    ),
)


def membership_id(merchant_id: str, user_id: str) -> str:
    # Merchant ids never hold a colon, so the first colon splits the two unambiguously.
    return f"{merchant_id}:{user_id}"


class MerchantStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._merchants = db[MERCHANTS]
        self._memberships = db[MEMBERSHIPS]

    async def insert_merchant(self, merchant: Document) -> None:
        await self._merchants.insert_one(merchant)

    async def merchant(self, merchant_id: str) -> Document | None:
        return await self._merchants.find_one({"_id": merchant_id})

    async def merchants(self, merchant_ids: Sequence[str]) -> dict[str, Document]:
        # One `_id` lookup each: a `$in` filter would scan the collection.
        found = await asyncio.gather(*(self.merchant(one) for one in merchant_ids))
        return {doc["_id"]: doc for doc in found if doc is not None}

    async def mark_verified(self, merchant_id: str, at: datetime) -> Document | None:
        """Marks the merchant verified; returns it as it was before, None if it does not exist."""
        return await self._merchants.find_one_and_update(
            {"_id": merchant_id},
            {"$set": {"status": "verified"}, "$min": {"verifiedAt": at}},
            return_document=ReturnDocument.BEFORE,
        )

    async def insert_membership(self, membership: Document) -> bool:
        """False when the user is a member already."""
        return await insert_once(self._memberships, membership)

    async def membership(self, merchant_id: str, user_id: str) -> Document | None:
        if ":" in merchant_id:
            return None
        return await self._memberships.find_one({"_id": membership_id(merchant_id, user_id)})

    async def set_role(self, merchant_id: str, user_id: str, role: MemberRole) -> Document | None:
        return await self._memberships.find_one_and_update(
            {"_id": membership_id(merchant_id, user_id)},
            {"$set": {"role": role}},
            return_document=ReturnDocument.AFTER,
        )

    async def delete_membership(self, merchant_id: str, user_id: str) -> None:
        await self._memberships.delete_one({"_id": membership_id(merchant_id, user_id)})

    async def count_owners(self, merchant_id: str) -> int:
        return await count_matching(self._memberships, {"merchantId": merchant_id, "role": "owner"})

    async def member_by_email(self, merchant_id: str, email: str) -> Document | None:
        return await self._memberships.find_one({"merchantId": merchant_id, "email": email})

    async def memberships_of_user(
        self, user_id: str, *, skip: int, limit: int
    ) -> tuple[list[Document], int]:
        return await self._page({"userId": user_id}, skip=skip, limit=limit)

    async def members(
        self, merchant_id: str, *, skip: int, limit: int
    ) -> tuple[list[Document], int]:
        return await self._page({"merchantId": merchant_id}, skip=skip, limit=limit)

    async def members_with_roles(
        self, merchant_id: str, roles: Sequence[MemberRole]
    ) -> list[Document]:
        """Every member of the merchant holding one of `roles` (a merchant has a handful)."""
        cursor = self._memberships.find(
            {"merchantId": merchant_id, "role": {"$in": list(roles)}}
        ).sort([("joinedAt", ASCENDING), ("_id", ASCENDING)])
        return await cursor.to_list()

    async def _page(self, query: Document, *, skip: int, limit: int) -> tuple[list[Document], int]:
        oldest_first = [("joinedAt", ASCENDING), ("_id", ASCENDING)]
        return await page_of(self._memberships, query, oldest_first, skip=skip, limit=limit)
