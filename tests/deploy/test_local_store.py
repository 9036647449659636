"""The local store (deploy/local/store) keeps what it acknowledged: through a `kill -9` of its
process in the middle of concurrent writes, and across restarts; and its indexes answer as a
scan of the collection would.

Each test starts a store of its own (own port and data folder) with `deploy/local/infra.sh`, as
`make run` and `make test` do, and kills or stops it by the pid that script recorded.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pymongo
import pytest
from pymongo import AsyncMongoClient, IndexModel
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError, PyMongoError

from devstack.profile import REPO
from devstack.serving import free_port
from devstack.waiting import wait_until

pytestmark = pytest.mark.infra

INFRA = REPO / "deploy" / "local" / "infra.sh"
WRITERS = 16


@dataclass
class LocalStore:
    data_dir: Path
    port: int

    @property
    def url(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}"

    def infra(self, action: str) -> None:
        env = {**os.environ, "EXPE_DATA_DIR": str(self.data_dir), "EXPE_STORE_PORT": str(self.port)}
        done = subprocess.run(
            [str(INFRA), action, "store"], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, f"infra.sh {action} store: {done.stdout}{done.stderr}"

    def kill(self) -> None:
        pid = int((self.data_dir / "pids" / "store.pid").read_text())
        os.kill(pid, signal.SIGKILL)
        wait_until(lambda: not _alive(pid), timeout=10, interval=0.01, what="the store to die")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    own = LocalStore(tmp_path, free_port())
    own.infra("start")
    yield own
    own.infra("stop")


async def _write_until_killed(store: LocalStore) -> tuple[set[str], dict[str, int]]:
    """Writers insert documents and increment counters until the store is killed under them;
    returns what was acknowledged: the ids inserted, and the increments per counter."""
    client: AsyncMongoClient[dict] = AsyncMongoClient(
        store.url, serverSelectionTimeoutMS=2000, socketTimeoutMS=2000, retryWrites=False
    )
    docs, counters = client.durability.docs, client.durability.counters
    await counters.insert_many([{"_id": f"c{w}", "n": 0} for w in range(WRITERS)])
    inserted: set[str] = set()
    increments = {f"c{w}": 0 for w in range(WRITERS)}
    enough = asyncio.Event()

    async def writer(w: int) -> None:
        for i in range(100_000):
            try:
                await docs.insert_one({"_id": f"{w}-{i}", "pad": "x" * 512})
                inserted.add(f"{w}-{i}")
                await counters.update_one({"_id": f"c{w}"}, {"$inc": {"n": 1}})
                increments[f"c{w}"] += 1
            except PyMongoError:
                return  # the store is gone
            if len(inserted) >= 2_000:
                enough.set()

    tasks = [asyncio.create_task(writer(w)) for w in range(WRITERS)]
    await asyncio.wait_for(enough.wait(), timeout=120)
    store.kill()
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)
    await client.close()
    return inserted, increments


def test_every_acknowledged_write_survives_a_kill_9(store: LocalStore) -> None:
    inserted, increments = asyncio.run(_write_until_killed(store))
    store.infra("start")
    with pymongo.MongoClient(store.url, serverSelectionTimeoutMS=5000) as client:
        stored = {doc["_id"] for doc in client.durability.docs.find({}, {"_id": 1})}
        counters = {doc["_id"]: doc["n"] for doc in client.durability.counters.find()}
    assert len(inserted) >= 2_000
    assert inserted <= stored
    # One write per writer may have been applied without its answer arriving: never more.
    assert len(stored - inserted) <= WRITERS
    for counter, acknowledged in increments.items():
        assert acknowledged <= counters[counter] <= acknowledged + 1


async def _lock_and_count_hot_documents(store: LocalStore, rounds: int) -> dict[str, int]:
    """Writers take a few wide documents in turn, each round a find-and-modify that counts and
    sets a holder field, then an update that unsets it, while readers read the documents;
    returns the rounds acknowledged per document."""
    client: AsyncMongoClient[dict] = AsyncMongoClient(store.url, serverSelectionTimeoutMS=2000)
    hot = client.hot.documents
    wide = {f"f{n}": n for n in range(500)}
    await hot.insert_many([{"_id": f"d{d}", "n": 0, **wide} for d in range(4)])
    counted = {f"d{d}": 0 for d in range(4)}

    async def writer(w: int) -> None:
        for i in range(rounds):
            doc = f"d{(w + i) % 4}"
            await hot.find_one_and_update({"_id": doc}, {"$inc": {"n": 1}, "$set": {"held": w}})
            await hot.update_one({"_id": doc}, {"$unset": {"held": ""}})
            counted[doc] += 1

    async def reader(r: int) -> None:
        for i in range(rounds):
            assert (await hot.find_one({"_id": f"d{(r + i) % 4}"}))["f499"] == 499

    await asyncio.gather(*(writer(w) for w in range(WRITERS)), *(reader(r) for r in range(4)))
    stored = {doc["_id"]: doc["n"] async for doc in hot.find({}, {"n": 1})}
    await client.close()
    assert stored == counted
    return counted


def test_hot_wide_documents_gaining_and_losing_fields_keep_the_store_up(
    store: LocalStore,
) -> None:
    # An update used to change the stored document in place, the very instance a commit may be
    # writing to the file: a field added or removed meanwhile stopped the store
    # (ConcurrentModificationException, then "This store is closed").
    counted = asyncio.run(_lock_and_count_hot_documents(store, rounds=300))
    assert sum(counted.values()) == WRITERS * 300
    assert "commit failed" not in (store.data_dir / "logs" / "store.log").read_text()


def test_data_and_unique_indexes_are_kept_across_restarts(store: LocalStore) -> None:
    with pymongo.MongoClient(store.url, serverSelectionTimeoutMS=5000) as client:
        users = client.restarts.users
        users.create_indexes([IndexModel("email", unique=True, name="email")])
        users.insert_many([{"_id": n, "email": f"u{n}@example.com"} for n in range(500)])
    store.infra("restart")
    store.kill()
    store.infra("start")
    with pymongo.MongoClient(store.url, serverSelectionTimeoutMS=5000) as client:
        users = client.restarts.users
        assert users.count_documents({}) == 500
        assert users.find_one({"_id": 499}) == {"_id": 499, "email": "u499@example.com"}
        with pytest.raises(DuplicateKeyError):
            users.insert_one({"_id": 500, "email": "u7@example.com"})


def _statuses(payments: pymongo.collection.Collection) -> tuple[list[int], list[int]]:
    """Open payments found through the `status` index, and the same found by a full scan
    (`$in` is not an equal value, so the index does not serve it)."""
    by_index = sorted(d["_id"] for d in payments.find({"status": "open", "n": {"$gte": 0}}))
    by_scan = sorted(d["_id"] for d in payments.find({"status": {"$in": ["open"]}}))
    return by_index, by_scan


def test_a_non_unique_index_answers_as_a_scan_would_through_changes_and_restarts(
    store: LocalStore,
) -> None:
    with pymongo.MongoClient(store.url, serverSelectionTimeoutMS=5000) as client:
        payments = client.indexes.payments
        # Documents from before the index exist too: creating it indexes them.
        payments.insert_many([{"_id": n, "status": "open", "n": n} for n in range(0, 300, 3)])
        payments.create_indexes([IndexModel([("status", 1), ("n", 1)], name="status")])
        payments.insert_many(
            [{"_id": n, "status": "open" if n % 2 else "paid", "n": n} for n in range(1, 300, 3)]
        )
        payments.update_many({"n": {"$lt": 30}}, {"$set": {"status": "paid"}})
        payments.update_one({"_id": 299}, {"$set": {"status": "open"}})
        payments.delete_many({"n": {"$gte": 280, "$lt": 290}})
        before = _statuses(payments)
        assert before[0] == before[1] and len(before[0]) > 50
    store.kill()
    store.infra("start")
    with pymongo.MongoClient(store.url, serverSelectionTimeoutMS=5000) as client:
        payments = client.indexes.payments
        assert _statuses(payments) == before
        payments.insert_one({"_id": 1000, "status": "open", "n": 1000})
        by_index, by_scan = _statuses(payments)
        assert by_index == by_scan == sorted([*before[0], 1000])


def _same_answers(indexed: Collection, scanned: Collection, query: dict, sort: list) -> None:
    """The indexed collection answers `query` (pages of it in `sort` order, and its count) as
    the collection without indexes does."""
    for skip, limit in ((0, 0), (0, 7), (5, 7), (0, 1), (10_000, 5)):
        assert [d["_id"] for d in indexed.find(query, sort=sort, skip=skip, limit=limit)] == [
            d["_id"] for d in scanned.find(query, sort=sort, skip=skip, limit=limit)
        ], (query, sort, skip, limit)
    counts = [c.database.command("count", c.name, query=query)["n"] for c in (indexed, scanned)]
    assert counts[0] == counts[1] == scanned.count_documents(query), query


def test_an_index_serves_ranges_sorted_pages_and_counts_as_a_scan_would(
    store: LocalStore,
) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    payments = [
        {
            "_id": f"pay_{n:04}",
            "merchantId": f"m{n % 3}",
            "mode": "live" if n % 4 == 0 else "test",
            "status": ("open", "paid", "failed")[n % 5 % 3],
            "createdAt": start + timedelta(minutes=n // 2),  # pairs share a time
            "amount": 100 + n % 17,
        }
        for n in range(600)
    ]
    window = {"$gte": start + timedelta(minutes=40), "$lt": start + timedelta(minutes=200)}
    queries = [
        {"merchantId": "m1", "mode": "test"},
        {"merchantId": "m1", "mode": "test", "createdAt": window},
        {"merchantId": "m2", "mode": "live", "createdAt": {"$gt": start + timedelta(minutes=90)}},
        {"merchantId": "m0", "mode": "test", "createdAt": {"$lte": start + timedelta(minutes=9)}},
        {"merchantId": "m1", "mode": "test", "status": {"$in": ["open", "failed"]}},
        {"merchantId": "m1", "createdAt": window},  # mode not fixed: the range is not served
        {"merchantId": "m9", "mode": "test"},
        {"createdAt": window},
        {"createdAt": {"$lt": start + timedelta(minutes=30)}},
        {"createdAt": {"$gte": start + timedelta(minutes=250)}},
        {"merchantId": "m2", "amount": {"$gte": 105, "$lte": 110}},
        # Bounds that stored values equal, at both ends, in counts read from key positions.
        {"merchantId": "m2", "amount": {"$gt": 105, "$lt": 110}},
        {
            "createdAt": {
                "$gt": start + timedelta(minutes=40),
                "$lte": start + timedelta(minutes=200),
            }
        },
    ]
    sorts = [
        [("createdAt", -1), ("_id", -1)],
        [("createdAt", 1), ("_id", 1)],
        [("createdAt", 1), ("_id", -1)],  # mixed directions: sorted in memory
        [("amount", 1), ("_id", 1)],
        [("mode", -1), ("createdAt", -1), ("_id", -1)],  # a fixed field sorts nothing
        [("merchantId", 1), ("mode", 1), ("createdAt", 1), ("_id", 1)],
    ]
    # Each listed query in every sort; then 150 more, drawn at random (a fixed seed: every run
    # asks the same), in one sort each.
    listed = len(queries)
    rng = random.Random(9)
    for _ in range(150):
        query: dict = {}
        if rng.random() < 0.7:
            query["merchantId"] = f"m{rng.randrange(4)}"
        if rng.random() < 0.5:
            query["mode"] = rng.choice(["test", "live"])
        bounds = rng.sample(["$gt", "$gte", "$lt", "$lte"], rng.randrange(3))
        if bounds and not {"$gt", "$gte"} <= set(bounds) and not {"$lt", "$lte"} <= set(bounds):
            field = rng.choice(["createdAt", "amount"])
            query[field] = {
                op: start + timedelta(minutes=rng.randrange(300))
                if field == "createdAt"
                else rng.randrange(98, 120)
                for op in bounds
            }
        if rng.random() < 0.2:
            query["status"] = rng.choice(["open", {"$in": ["paid", "failed"]}])
        queries.append(query)
    with pymongo.MongoClient(store.url, serverSelectionTimeoutMS=5000, tz_aware=True) as client:
        indexed, scanned = client.ordered.indexed, client.ordered.scanned
        indexed.create_indexes(
            [
                # Shares its leading field with the next: a query goes to the one bounding more.
                IndexModel([("merchantId", 1), ("amount", 1)], name="by_amount"),
                IndexModel([("merchantId", 1), ("mode", 1), ("createdAt", -1)], name="by_merchant"),
                IndexModel([("createdAt", 1)], name="by_time"),
            ]
        )
        for target in (indexed, scanned):
            target.insert_many([dict(p) for p in payments])
            target.update_many({"amount": 101}, {"$set": {"createdAt": start}})
            target.delete_many({"amount": 102})
        for n, query in enumerate(queries):
            for sort in sorts if n < listed else [sorts[n % len(sorts)]]:
                _same_answers(indexed, scanned, query, sort)
