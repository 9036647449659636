"""Claims: how everything that must happen once is decided.

A claim is an insert of a document whose `_id` names what is claimed: a token's use, an
idempotency key, a position in a chain, a time slot. However many requests, replicas or retries
race, the unique `_id` index lets exactly one insert succeed, on MongoDB and on the local store
alike; the others get a duplicate-key error and so learn that someone else won. A request retried
after a crash claims the same `_id` and finds its own earlier claim, so multi-step work resumes
where it stopped instead of happening twice (each service's sweeper finishes what a dead request
left half-done).

Where the decision is about one document's current state (a status moving on, a counter), an
atomic conditional update on that document does the same job: `find_one_and_update` with the
expected state in its filter is applied atomically per document by MongoDB and the local store.
Nothing may rely on a whole collection being serialised (MongoDB does not do that).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, DuplicateKeyError, PyMongoError

Document = dict[str, Any]
logger = logging.getLogger("expe.claims")


async def insert_once(collection: AsyncCollection[Document], document: Document) -> bool:
    """Inserts `document`; True when this call stored it, False when its `_id` was taken.

    Callers that only need the document to exist (writing the same event twice, say) ignore
    the answer."""
    try:
        await collection.insert_one(document)
    except DuplicateKeyError:
        return False
    return True


_DUPLICATE_KEY = 11000


async def insert_all_once(
    collection: AsyncCollection[Document], documents: Sequence[Document]
) -> None:
    """`insert_once` for many documents in one round trip: each is stored unless its `_id` is
    taken, whatever the others do."""
    if not documents:
        return
    try:
        await collection.insert_many(documents, ordered=False)
    except BulkWriteError as error:
        details = error.details or {}
        if details.get("writeConcernErrors") or any(
            failed.get("code") != _DUPLICATE_KEY for failed in details.get("writeErrors", [])
        ):
            raise


async def insert_or_get(collection: AsyncCollection[Document], document: Document) -> Document:
    """Stores `document` and returns it, or returns the document stored first under its `_id`.

    For claims that are never deleted, so the winner's document is there to be read."""
    if await insert_once(collection, document):
        return document
    stored = await collection.find_one({"_id": document["_id"]})
    if stored is None:
        raise RuntimeError(f"claim {document['_id']!r} vanished from {collection.name}")
    return stored


async def upsert(
    collection: AsyncCollection[Document], query: Mapping[str, Any], update: Mapping[str, Any]
) -> None:
    """`update_one(query, update, upsert=True)` that also holds when two upserts race.

    Both may find nothing and try to insert; the `_id` index refuses the second insert, and
    that writer's update is then applied to the document the first one made."""
    try:
        await collection.update_one(query, update, upsert=True)
    except DuplicateKeyError:
        await collection.update_one(query, update)


def process_owner() -> str:
    """A name for this process as a lease holder: host, pid, and a random part for pid reuse."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class SlotLease:
    """Exclusive work for one replica at a time, such as relaying the outbox or sweeping.

    Time is cut into slots of `seconds`; a slot belongs to whoever first inserts its document.
    The holder claims the next slot in the second half of its own, so it keeps the lease without
    a gap; if it dies, the others race for the slot after, and one of them wins. Only a process
    that stopped mid-slot leaves the work undone for the rest of that slot."""

    def __init__(
        self,
        collection: AsyncCollection[Document],
        name: str,
        seconds: float,
        owner: str | None = None,
    ) -> None:
        self._collection = collection
        self._name = name
        self._seconds = seconds
        self._owner = owner or process_owner()
        self._owned: set[int] = set()

    async def held(self) -> bool:
        """True while this process owns the current slot (claiming it, and the next one in
        time, when it can)."""
        now = time.time()
        slot = int(now // self._seconds)
        if not await self._owns(slot):
            return False
        if now % self._seconds > self._seconds / 2:
            await self._owns(slot + 1)
        return True

    async def run_each_slot(self, work: Callable[[], Awaitable[object]]) -> None:
        """Runs `work` once a slot, on the slots' boundaries, whenever this process holds the
        slot: of several replicas, one does the work each slot. A store error (the lease's, or
        one the work let through) is logged, and the next slot tried."""
        while True:
            try:
                if await self.held():
                    await work()
            except PyMongoError as error:
                logger.warning(
                    "leased work failed", extra={"lease": self._name, "error": repr(error)}
                )
            await asyncio.sleep(self._seconds - time.time() % self._seconds)

    async def release(self) -> None:
        """Gives up the slots held, so a successor need not wait for them to pass."""
        ids = [self._slot_id(slot) for slot in self._owned]
        await self._collection.delete_many({"_id": {"$in": ids}, "owner": self._owner})
        self._owned.clear()

    async def _owns(self, slot: int) -> bool:
        if slot in self._owned:
            return True
        slot_id = self._slot_id(slot)
        claim = {"_id": slot_id, "owner": self._owner, "claimedAt": datetime.now(UTC)}
        if not await insert_once(self._collection, claim):
            # Ours after all when an earlier call of this process claimed it and then failed.
            holder = await self._collection.find_one({"_id": slot_id}, {"owner": 1})
            if holder is None or holder["owner"] != self._owner:
                return False
        self._owned = {s for s in self._owned if s >= slot - 1} | {slot}
        await self._collection.delete_many({"_id": self._slot_id(slot - 3)})
        return True

    def _slot_id(self, slot: int) -> str:
        return f"{self._name}:{slot}"
