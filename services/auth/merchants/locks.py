"""Short exclusive locks, one document each, for changes that must not interleave.

A change to a merchant's members reads several documents (how many owners are left) and then
writes one, which no single-document atomic update can decide. So it holds a lock: a claim
(`shared.claims`) of a document named after the resource, deleted when the change is done. A lock
left by a crashed process is taken over once older than `STALE_AFTER`.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import AsyncIterator
from datetime import timedelta

from pymongo.asynchronous.database import AsyncDatabase

from services.auth.errors import ChangeInProgress
from shared.claims import insert_once
from shared.clock import now_ms
from shared.mongo import Document

LOCKS = "resource_locks"
# Longer than any change takes; only a crashed holder leaves a lock this old.
STALE_AFTER = timedelta(seconds=30)
# How long a change waits for another one on the same resource before giving up.
WAIT_SECONDS = 5.0
_POLL_SECONDS = 0.02


class Locks:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._locks = db[LOCKS]

    @contextlib.asynccontextmanager
    async def hold(self, name: str) -> AsyncIterator[None]:
        holder = secrets.token_hex(8)
        await self._acquire(name, holder)
        try:
            yield
        finally:
            await self._locks.delete_one({"_id": name, "holder": holder})

    async def _acquire(self, name: str, holder: str) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            if await insert_once(self._locks, {"_id": name, "holder": holder, "at": now_ms()}):
                return
            current = await self._locks.find_one({"_id": name})
            if current is not None and current["at"] < now_ms() - STALE_AFTER:
                await self._locks.delete_one({"_id": name, "holder": current["holder"]})
                continue
            if time.monotonic() > deadline:
                raise ChangeInProgress("Another change to this is under way; retry in a moment.")
            await asyncio.sleep(_POLL_SECONDS)
