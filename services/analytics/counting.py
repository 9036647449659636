"""Counting each event exactly once into counters spread over several documents.

Counters are increments, so a redelivered event, two consumers racing for one event, or a crash
half way must neither skip nor repeat one. An event is claimed first (its record in a claims
collection); each document's increments then apply only while the document's `seen` list lacks
the event's mark, with the mark pushed in the same single-document update; once the event's
record says it is counted, the marks leave the lists again, which so hold only the events being
counted right now (or cut short by a crash, which the redelivered event finishes).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from shared.claims import insert_once, upsert
from shared.clock import now_ms
from shared.mongo import Document

# A consumer counting an event this long without finishing is taken to have stopped.
CLAIM_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class Increment:
    """`inc` added to the document `id` of `collection`, made with `on_insert` if missing."""

    collection: str
    id: str
    inc: dict[str, int]
    on_insert: dict[str, Any] = field(default_factory=dict)

    def stored(self) -> Document:
        """As a document may hold it (field paths with dots are no document keys)."""
        return {
            "collection": self.collection,
            "id": self.id,
            "inc": [[path, value] for path, value in self.inc.items()],
            "onInsert": self.on_insert,
        }

    @classmethod
    def from_stored(cls, doc: Document) -> Increment:
        return cls(doc["collection"], doc["id"], dict(doc["inc"]), doc["onInsert"])


def merged(increments: Sequence[Increment]) -> list[Increment]:
    """One increment per document, the sums of those given (in first-seen order)."""
    by_target: dict[tuple[str, str], Increment] = {}
    for increment in increments:
        key = (increment.collection, increment.id)
        earlier = by_target.get(key)
        if earlier is None:
            by_target[key] = Increment(*key, dict(increment.inc), dict(increment.on_insert))
            continue
        for path, value in increment.inc.items():
            earlier.inc[path] = earlier.inc.get(path, 0) + value
    return [increment for increment in by_target.values() if any(increment.inc.values())]


async def apply(db: AsyncDatabase[Document], mark: str, increments: Sequence[Increment]) -> None:
    """Adds each increment once under `mark`, however often this is called."""
    await asyncio.gather(
        *(
            upsert(
                db[increment.collection],
                {"_id": increment.id, "seen": {"$ne": mark}},
                {
                    "$inc": increment.inc,
                    "$push": {"seen": mark},
                    "$setOnInsert": increment.on_insert,
                },
            )
            for increment in increments
            if increment.inc
        )
    )


async def release(db: AsyncDatabase[Document], mark: str, increments: Sequence[Increment]) -> None:
    """Takes `mark` off the documents' lists, once what it counted is recorded as done."""
    await asyncio.gather(
        *(
            db[increment.collection].update_one({"_id": increment.id}, {"$pull": {"seen": mark}})
            for increment in increments
            if increment.inc
        )
    )


class EventCounter:
    """Counts events into documents exactly once, with their records in `claims`."""

    def __init__(self, db: AsyncDatabase[Document], claims: str) -> None:
        self._db = db
        self._claims = db[claims]

    async def count(
        self,
        event_id: str,
        increments: Sequence[Increment],
        then: Callable[[], Awaitable[None]] | None = None,
    ) -> bool:
        """Adds `increments` and runs `then` (which must itself be safe to run again after a
        crash), unless the event was counted before; False then."""
        if not await self._claim(event_id):
            return False
        await apply(self._db, event_id, increments)
        if then is not None:
            await then()
        await self._claims.update_one({"_id": event_id}, {"$set": {"counted": True}})
        await release(self._db, event_id, increments)
        return True

    async def _claim(self, event_id: str) -> bool:
        """True when this caller is to count the event: it recorded the event first, or took
        it over from a consumer that stopped before saying it was counted; False once counted.
        A duplicate arriving while the first is still counting waits for it: counting it too
        could land after the first took its mark off a document's list."""
        record = {"_id": event_id, "counted": False, "claimedAt": now_ms()}
        if await insert_once(self._claims, record):
            return True
        while True:
            stored = await self._claims.find_one({"_id": event_id}, {"counted": 1})
            if stored is None or stored["counted"]:
                return False
            stale = now_ms() - timedelta(seconds=CLAIM_SECONDS)
            taken = await self._claims.find_one_and_update(
                {"_id": event_id, "counted": False, "claimedAt": {"$lt": stale}},
                {"$set": {"claimedAt": now_ms()}},
            )
            if taken is not None:
                return True
            await asyncio.sleep(0.1)
