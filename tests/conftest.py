"""Suite-wide fixtures: the test profile's real infrastructure, a clean database per test."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest
from pymongo import AsyncMongoClient

from devstack.profile import Profile
from devstack.stack import Stack


@pytest.fixture(scope="session")
def profile() -> Profile:
    return Profile.load(os.environ.get("EXPE_PROFILE", "test"))


@pytest.fixture
async def mongo_client(profile: Profile) -> AsyncIterator[AsyncMongoClient[dict]]:
    client: AsyncMongoClient[dict] = AsyncMongoClient(
        profile.mongo_url, tz_aware=True, serverSelectionTimeoutMS=5000
    )
    yield client
    await client.close()


@pytest.fixture(scope="session")
def stack(profile: Profile) -> Iterator[Stack]:
    """Every process of the mesh, started once for the e2e tests, on clean databases."""
    import pymongo

    with pymongo.MongoClient(profile.mongo_url, serverSelectionTimeoutMS=5000) as client:
        for name in client.list_database_names():
            if name.startswith(f"{profile.db_prefix}_"):
                client.drop_database(name)
    mesh = Stack(
        profile,
        extra_env={
            "EXPE_OUTBOX__POLL_INTERVAL_SECONDS": "0.1",
            "EXPE_OUTBOX__LEASE_SECONDS": "3",
            "EXPE_UPSTREAM_TIMEOUT_SECONDS": "10",
            "EXPE_PLATFORM_ADMINS": '["admin@example.com"]',
        },
    )
    mesh.start()
    yield mesh
    mesh.stop()
