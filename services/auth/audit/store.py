"""Audit entries, appended to their chain (`services.auth.audit.chain`), one document each.

A chain's head (`audit_chains`, `_id` = chain) records its last position and hash, so an append
reads one document by `_id`. The unique index on (chain, seq) is what keeps a chain from forking:
of two appends that read the same head, one stores its entry and the other's insert is refused,
so it reads on and tries the next position. An append that stored its entry but died before
moving the head leaves the head behind; the next append finds that position taken and moves the
head up to it, so the head is at most an entry behind and never wrong about what it names.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.auth.audit.chain import GENESIS, entry_hash, hashed_fields
from shared.errors import ServiceUnavailable
from shared.mongo import CollectionIndexes, Document
from shared.paging import page_of

AUDIT_EVENTS = "audit_events"
AUDIT_CHAINS = "audit_chains"
# Appends racing on one chain each take a position in turn; beyond this many lost races the
# chain is too busy and the caller is asked to retry.
_APPEND_ATTEMPTS = 100

INDEXES = (
    CollectionIndexes(
        AUDIT_EVENTS,
        (
            IndexModel([("merchantId", DESCENDING), ("at", DESCENDING)], name="by_merchant"),
            IndexModel([("userId", DESCENDING), ("at", DESCENDING)], name="by_user"),
            IndexModel(
                [("chain", ASCENDING), ("seq", ASCENDING)], name="chain_position", unique=True
            ),
        ),
    ),
)


class AuditStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._events = db[AUDIT_EVENTS]
        self._chains = db[AUDIT_CHAINS]

    async def append(self, event: Document) -> Document:
        """Stores `event` (which names its `chain`) at the chain's next position, linked and
        hashed; an event whose `_id` is already stored is not appended again."""
        chain = event["chain"]
        for _ in range(_APPEND_ATTEMPTS):
            head = await self._chains.find_one({"_id": chain}) or {"seq": 0, "hash": GENESIS}
            entry = {**event, "seq": head["seq"] + 1, "prevHash": head["hash"]}
            entry["hash"] = entry_hash(head["hash"], hashed_fields(entry))
            try:
                await self._events.insert_one(entry)
            except DuplicateKeyError:
                stored = await self._events.find_one({"_id": event["_id"]})
                if stored is not None:
                    return stored
                taken = await self._events.find_one({"chain": chain, "seq": entry["seq"]})
                if taken is not None:
                    await self._move_head(chain, taken)
                continue
            await self._move_head(chain, entry)
            return entry
        raise ServiceUnavailable("The audit log is too busy to record this now; retry.")

    async def _move_head(self, chain: str, entry: Document) -> None:
        """Moves the head up to `entry`, never back."""
        try:
            await self._chains.update_one(
                {"_id": chain, "seq": {"$lt": entry["seq"]}},
                {"$set": {"seq": entry["seq"], "hash": entry["hash"]}},
                upsert=True,
            )
        except DuplicateKeyError:
            pass  # the head exists and is already at or past this entry

    async def head(self, chain: str) -> int:
        """The last position the chain recorded (0 for a chain with no entry)."""
        head = await self._chains.find_one({"_id": chain})
        return int(head["seq"]) if head else 0

    async def chain(self, chain: str) -> AsyncIterator[Document]:
        """Every entry of the chain, in chain order."""
        async for entry in self._events.find({"chain": chain}).sort("seq", ASCENDING):
            yield entry

    async def page(
        self, query: dict[str, Any], *, skip: int, limit: int
    ) -> tuple[list[Document], int]:
        # Newest first; within a millisecond, a chain's order decides.
        order = [("at", DESCENDING), ("seq", DESCENDING)]
        return await page_of(self._events, query, order, skip=skip, limit=limit)

    async def about(self, user_id: str, email: str) -> list[Document]:
        """Every entry that names the person: as actor, as target, or by email."""
        found = self._events.find(_naming(user_id, email)).sort("at", ASCENDING)
        return await found.to_list()

    async def erase_personal(self, user_id: str, email: str) -> int:
        """Drops the personal data of every entry naming the person; the chain still verifies."""
        # Entries from before the chain kept personal data in place, where it is dropped too.
        legacy = {"actor.email": "", "ip": "", "userAgent": "", "target.email": ""}
        result = await self._events.update_many(
            _naming(user_id, email), {"$set": {"personal": None}, "$unset": legacy}
        )
        return result.modified_count


def _naming(user_id: str, email: str) -> Document:
    return {
        "$or": [
            {"userId": user_id},
            {"target.userId": user_id},
            {"personal.email": email},
            {"personal.targetEmail": email},
            {"actor.email": email},
            {"target.email": email},
        ]
    }
