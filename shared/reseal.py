"""The re-seal job: moves every sealed value of a service onto its current sealing key.

Each service names where its sealed values are (`SealedField`: a collection and a path, with
`[]` after an array) and runs `python -m services.<name>.reseal`. The job walks each collection
by `_id` in batches and rewrites only the values not under the current key: an envelope gets its
data key re-wrapped, a legacy or plain value is sealed anew. Every write is conditional on the
value it read, so the service may keep writing meanwhile: a value it changed in between was
sealed by the service itself and is left alone. Progress is kept per field in `reseal_progress`
after each batch, so an interrupted run resumes where it stopped; a finished run forgets it, and
running again skips every value already under the current key.

Rotation, then: add the new key to EXPE_SEALING_KEYS everywhere, make it EXPE_SEALING_KEY_ID
everywhere, run the job, drop the old key.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from shared.mongo import Document, Mongo
from shared.sealing import Sealer
from shared.settings import BaseServiceSettings

PROGRESS = "reseal_progress"
BATCH_SIZE = 500


@dataclass(frozen=True)
class SealedField:
    """Where sealed values are stored: `twoFactor.secret`, or `secrets[].sealed` for a field of
    each element of an array."""

    collection: str
    path: str
    purpose: str


@dataclass
class Counts:
    """What one run did to one field."""

    field: SealedField
    seen: int = 0
    resealed: int = 0
    current: int = 0
    # Changed by the service between the job's read and write (and so sealed by it).
    changed_meanwhile: int = 0

    def line(self) -> str:
        return (
            f"{self.field.collection} {self.field.path}: {self.seen} seen, "
            f"{self.resealed} resealed, {self.current} already current, "
            f"{self.changed_meanwhile} changed meanwhile"
        )


async def reseal(
    db: AsyncDatabase[Document],
    fields: Sequence[tuple[SealedField, Sealer]],
    batch_size: int = BATCH_SIZE,
) -> list[Counts]:
    """Re-seals every field with its sealer (whose current key is the target)."""
    return [await _reseal_field(db, field, sealer, batch_size) for field, sealer in fields]


async def _reseal_field(
    db: AsyncDatabase[Document], field: SealedField, sealer: Sealer, batch_size: int
) -> Counts:
    counts = Counts(field)
    collection = db[field.collection]
    progress = db[PROGRESS]
    progress_id = f"{field.collection}/{field.path}"
    # The part of the document one conditional write replaces: the value itself, or the whole
    # array whose elements hold the values.
    array, _, element_path = field.path.partition("[].")
    target = array if element_path else field.path
    saved = await progress.find_one({"_id": progress_id, "keyId": sealer.current_key_id})
    last_id = saved["lastId"] if saved else None
    while True:
        query: Document = {target: {"$exists": True}}
        if last_id is not None:
            query["_id"] = {"$gt": last_id}
        batch = await collection.find(query, {target: 1}).sort("_id", 1).limit(batch_size).to_list()
        for doc in batch:
            read = _at(doc, target)
            if read is None:
                continue
            if element_path:
                rewritten, resealed = _resealed_elements(read, element_path, sealer, counts)
            else:
                rewritten, resealed = _resealed_value(read, sealer, counts)
            if resealed:
                written = await collection.update_one(
                    {"_id": doc["_id"], target: read}, {"$set": {target: rewritten}}
                )
                if written.matched_count:
                    counts.resealed += resealed
                else:
                    counts.changed_meanwhile += resealed
        if not batch:
            break
        last_id = batch[-1]["_id"]
        await progress.update_one(
            {"_id": progress_id},
            {"$set": {"keyId": sealer.current_key_id, "lastId": last_id, "at": datetime.now(UTC)}},
            upsert=True,
        )
    await progress.delete_one({"_id": progress_id})
    return counts


def _at(doc: Document, path: str) -> Any:
    value: Any = doc
    for name in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


def _resealed_value(stored: Any, sealer: Sealer, counts: Counts) -> tuple[Any, int]:
    """The value to write and how many values it re-seals (0: it is current already)."""
    counts.seen += 1
    resealed = sealer.resealed(stored)
    if resealed is None:
        counts.current += 1
        return stored, 0
    return resealed, 1


def _resealed_elements(
    elements: list[Document], path: str, sealer: Sealer, counts: Counts
) -> tuple[list[Document], int]:
    rewritten, resealed = [], 0
    for element in elements:
        stored = _at(element, path)
        if stored is not None:
            value, changed = _resealed_value(stored, sealer, counts)
            if changed:
                element, resealed = _with(element, path, value), resealed + 1
        rewritten.append(element)
    return rewritten, resealed


def _with(doc: Document, path: str, value: Any) -> Document:
    name, _, rest = path.partition(".")
    return {**doc, name: _with(doc[name], rest, value) if rest else value}


def command(
    settings: BaseServiceSettings, service: str, fields: Sequence[tuple[SealedField, Sealer]]
) -> None:
    """Runs the job on the service's database and prints what it did to each field."""

    async def run() -> list[Counts]:
        mongo = Mongo(settings.mongo, settings.database_name(service))
        try:
            return await reseal(mongo.db, fields)
        finally:
            await mongo.close()

    key_id = settings.sealing_keyring().current
    for counts in asyncio.run(run()):
        print(f"{service} → {key_id}: {counts.line()}")  # noqa: T201
