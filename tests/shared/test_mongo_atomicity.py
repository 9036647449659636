"""The guarantees of MongoDB that the services build on, held by the local store under real
concurrency (several clients, so several connections and server threads, racing one document).

Each is one that MongoDB gives per document: a unique `_id` insert has one winner, a conditional
update is applied atomically (of racing `find_one_and_update` calls on one condition exactly one
matches), `$inc` loses no increment, a duplicate key is refused on updates as on inserts, and a
`$group` computes every accumulator.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo import AsyncMongoClient, IndexModel, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from devstack.profile import Profile

pytestmark = pytest.mark.infra

CLIENTS = 8
Collections = list[AsyncCollection[dict[str, Any]]]


@pytest.fixture
async def collections(profile: Profile) -> AsyncIterator[Collections]:
    """One collection seen through several clients, dropped afterwards."""
    clients = [AsyncMongoClient(profile.mongo_url, tz_aware=True) for _ in range(CLIENTS)]
    db_name = f"{profile.db_prefix}_atomicity_{secrets.token_hex(3)}"
    try:
        yield [client[db_name]["race"] for client in clients]
    finally:
        await clients[0].drop_database(db_name)
        for client in clients:
            await client.close()


async def test_concurrent_inserts_of_one_id_have_exactly_one_winner(
    collections: Collections,
) -> None:
    async def claim(collection: AsyncCollection[dict[str, Any]], claim_id: str) -> bool:
        try:
            await collection.insert_one({"_id": claim_id})
        except DuplicateKeyError:
            return False
        return True

    for round_number in range(25):
        wins = await asyncio.gather(*(claim(c, f"claim-{round_number}") for c in collections))
        assert sum(wins) == 1


async def test_of_racing_conditional_updates_exactly_one_matches(
    collections: Collections,
) -> None:
    for round_number in range(25):
        doc_id = f"doc-{round_number}"
        await collections[0].insert_one({"_id": doc_id, "status": "open"})
        results = await asyncio.gather(
            *(
                c.find_one_and_update(
                    {"_id": doc_id, "status": "open"},
                    {"$set": {"status": "taken", "by": n}},
                    return_document=ReturnDocument.AFTER,
                )
                for n, c in enumerate(collections)
            )
        )
        winners = [r for r in results if r is not None]
        assert len(winners) == 1
        stored = await collections[0].find_one({"_id": doc_id})
        assert stored == winners[0]


async def test_concurrent_increments_lose_nothing(collections: Collections) -> None:
    await collections[0].insert_one({"_id": "counter", "n": 0})

    async def bump(collection: AsyncCollection[dict[str, Any]]) -> None:
        for _ in range(25):
            await collection.update_one({"_id": "counter"}, {"$inc": {"n": 1}})

    await asyncio.gather(*(bump(c) for c in collections))
    stored = await collections[0].find_one({"_id": "counter"})
    assert stored is not None and stored["n"] == CLIENTS * 25


async def test_a_unique_index_refuses_a_duplicate_made_by_an_update(
    collections: Collections,
) -> None:
    await collections[0].create_indexes([IndexModel("email", unique=True, name="email")])
    await collections[0].insert_many([{"_id": 1, "email": "a@x"}, {"_id": 2, "email": "b@x"}])
    with pytest.raises(DuplicateKeyError):
        await collections[1].update_one({"_id": 2}, {"$set": {"email": "a@x"}})
    assert await collections[0].find_one({"_id": 2}) == {"_id": 2, "email": "b@x"}


async def test_a_group_computes_every_accumulator(collections: Collections) -> None:
    await collections[0].insert_many(
        [{"c": "INR", "amount": 100}, {"c": "INR", "amount": 250}, {"c": "USD", "amount": 7}]
    )
    rows = await (
        await collections[0].aggregate(
            [
                {
                    "$group": {
                        "_id": "$c",
                        "count": {"$sum": 1},
                        "total": {"$sum": "$amount"},
                        "largest": {"$max": "$amount"},
                    }
                },
                {"$sort": {"_id": 1}},
            ]
        )
    ).to_list()
    assert rows == [
        {"_id": "INR", "count": 2, "total": 350, "largest": 250},
        {"_id": "USD", "count": 1, "total": 7, "largest": 7},
    ]
