"""The one claim mechanism (shared.claims) under real concurrency on the local store."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from devstack.waiting import eventually
from shared.claims import SlotLease, insert_all_once, insert_once, insert_or_get, upsert

pytestmark = pytest.mark.infra

RACERS = 20


async def test_of_racing_inserts_of_one_id_exactly_one_wins(db: AsyncDatabase[Any]) -> None:
    for round_number in range(10):
        wins = await asyncio.gather(
            *(insert_once(db.claims, {"_id": f"c{round_number}", "by": n}) for n in range(RACERS))
        )
        assert sum(wins) == 1
    assert await db.claims.count_documents({}) == 10


async def test_many_inserted_at_once_store_each_id_not_taken_and_keep_the_taken(
    db: AsyncDatabase[Any],
) -> None:
    await insert_once(db.claims, {"_id": "m2", "by": "first"})
    batches = [[{"_id": f"m{n}", "by": racer} for n in range(6)] for racer in range(RACERS)]
    await asyncio.gather(*(insert_all_once(db.claims, batch) for batch in batches))
    stored = {doc["_id"]: doc["by"] async for doc in db.claims.find()}
    assert sorted(stored) == [f"m{n}" for n in range(6)]
    assert stored["m2"] == "first"


async def test_insert_or_get_gives_every_racer_the_winners_document(
    db: AsyncDatabase[Any],
) -> None:
    stored = await asyncio.gather(
        *(insert_or_get(db.claims, {"_id": "leg", "by": n}) for n in range(RACERS))
    )
    assert len({doc["by"] for doc in stored}) == 1
    assert await db.claims.find_one({"_id": "leg"}) == stored[0]


async def test_racing_upserts_all_apply(db: AsyncDatabase[Any]) -> None:
    times = [datetime(2026, 1, 1, 0, 0, n, tzinfo=UTC) for n in range(RACERS)]
    await asyncio.gather(
        *(upsert(db.usage, {"_id": "key"}, {"$max": {"lastUsedAt": at}}) for at in times)
    )
    stored = await db.usage.find_one({"_id": "key"})
    assert stored is not None
    assert stored["lastUsedAt"].replace(tzinfo=UTC) == max(times)


async def test_one_of_racing_replicas_holds_a_lease_and_keeps_it(db: AsyncDatabase[Any]) -> None:
    leases = [SlotLease(db.leases, "relay", seconds=3600) for _ in range(RACERS)]
    held = await asyncio.gather(*(lease.held() for lease in leases))
    assert sum(held) == 1
    holder = leases[held.index(True)]
    for _ in range(3):
        assert await holder.held()
        assert not any(await asyncio.gather(*(lease.held() for lease in leases if lease != holder)))


async def test_a_released_lease_is_taken_by_another_replica(db: AsyncDatabase[Any]) -> None:
    first, second = SlotLease(db.leases, "relay", 3600), SlotLease(db.leases, "relay", 3600)
    assert await first.held()
    assert not await second.held()
    await first.release()
    assert await second.held()
    assert not await first.held()


async def test_the_slot_after_a_dead_holders_is_won_by_another(db: AsyncDatabase[Any]) -> None:
    # Short slots: the holder stops calling (it died); the next slot goes to a survivor.
    dead, survivor = SlotLease(db.leases, "sweep", 0.5), SlotLease(db.leases, "sweep", 0.5)
    if not await dead.held():
        pytest.fail("the first replica to ask should hold the lease")
    await eventually(survivor.held, timeout=10, interval=0.05)
    assert not await dead.held()
