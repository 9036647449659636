"""The one concurrency guarantee the services build on: an insert of a given `_id` succeeds once.

FerretDB 1.24 does not make conditional updates atomic under concurrency (two clients racing a
`find_one_and_update` on the same condition can both win), so everything that must happen once
(a lease slot, a refresh-token use) is claimed by inserting a unique `_id`.
"""

from __future__ import annotations

import asyncio
import secrets

import pytest
from pymongo import AsyncMongoClient
from pymongo.errors import DuplicateKeyError

from devstack.profile import Profile

pytestmark = pytest.mark.infra


async def test_concurrent_inserts_of_one_id_have_exactly_one_winner(profile: Profile) -> None:
    clients = [AsyncMongoClient(profile.mongo_url, tz_aware=True) for _ in range(8)]
    collection_name = f"claims_{secrets.token_hex(4)}"
    db_name = f"{profile.db_prefix}_atomicity"
    try:
        for round_number in range(25):

            async def claim(client: AsyncMongoClient, who: int, claim_id: str) -> bool:
                try:
                    await client[db_name][collection_name].insert_one({"_id": claim_id, "by": who})
                except DuplicateKeyError:
                    return False
                return True

            claim_id = f"claim-{round_number}"
            wins = await asyncio.gather(*(claim(c, i, claim_id) for i, c in enumerate(clients)))
            assert sum(wins) == 1
    finally:
        await clients[0].drop_database(db_name)
        for client in clients:
            await client.close()
