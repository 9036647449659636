"""The re-seal job on the real local store: batches, arrays, resuming, running again."""

from __future__ import annotations

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from shared.reseal import PROGRESS, SealedField, reseal
from shared.sealing import Keyring

pytestmark = pytest.mark.infra

K1 = Keyring.parse("k1:first-secret-of-the-ring")
K2_CURRENT = Keyring.parse("k2:second-secret-of-the-ring,k1:first-secret-of-the-ring")
FIELD = SealedField("things", "value", "thing")


async def test_an_interrupted_run_resumes_after_its_last_batch(db: AsyncDatabase[dict]) -> None:
    old = K1.sealer("thing")
    await db["things"].insert_many(
        [{"_id": f"t{n:02}", "value": old.seal(f"v{n}")} for n in range(10)]
    )
    # Where a run that stopped after its first batches left its place.
    await db[PROGRESS].insert_one({"_id": "things/value", "keyId": "k2", "lastId": "t04"})
    sealer = K2_CURRENT.sealer("thing")

    (counts,) = await reseal(db, [(FIELD, sealer)], batch_size=3)

    docs = await db["things"].find().sort("_id").to_list()
    assert [sealer.key_id(doc["value"]) for doc in docs] == ["k1"] * 5 + ["k2"] * 5
    assert (counts.seen, counts.resealed) == (5, 5)
    assert await db[PROGRESS].find_one() is None  # finished: the next run starts over
    (again,) = await reseal(db, [(FIELD, sealer)], batch_size=3)
    assert (again.seen, again.resealed, again.current) == (10, 5, 5)
    assert [sealer.open(doc["value"]) for doc in await db["things"].find().to_list()] == [
        f"v{n}" for n in range(10)
    ]


async def test_a_place_kept_for_another_key_is_not_resumed(db: AsyncDatabase[dict]) -> None:
    await db["things"].insert_one({"_id": "t00", "value": K1.sealer("thing").seal("v")})
    await db[PROGRESS].insert_one({"_id": "things/value", "keyId": "k9", "lastId": "t99"})
    (counts,) = await reseal(db, [(FIELD, K2_CURRENT.sealer("thing"))])
    assert counts.resealed == 1


async def test_values_in_array_elements_are_resealed_in_place(db: AsyncDatabase[dict]) -> None:
    sealer = K2_CURRENT.sealer("secret")
    current, old = sealer.seal("new"), K1.sealer("secret").seal("old")
    secrets = [{"sealed": current, "expiresAt": None}, {"sealed": old, "expiresAt": 5}]
    await db["endpoints"].insert_one({"_id": "we_1", "secrets": secrets})

    (counts,) = await reseal(db, [(SealedField("endpoints", "secrets[].sealed", "secret"), sealer)])

    stored = await db["endpoints"].find_one({"_id": "we_1"})
    assert stored is not None
    assert stored["secrets"][0] == {"sealed": current, "expiresAt": None}
    assert sealer.key_id(stored["secrets"][1]["sealed"]) == "k2"
    assert stored["secrets"][1]["expiresAt"] == 5
    assert [sealer.open(s["sealed"]) for s in stored["secrets"]] == ["new", "old"]
    assert (counts.seen, counts.resealed, counts.current) == (2, 1, 1)
