"""Suite-wide fixtures: the test profile's real infrastructure, a clean database per test."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pymongo
import pytest
from fastapi import FastAPI
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from devstack.profile import Profile
from devstack.stack import Stack
from shared.settings import BaseServiceSettings
from tests.servers import on_own_database


@pytest.fixture(scope="session")
def profile() -> Profile:
    return Profile.load(os.environ.get("EXPE_PROFILE", "test"))


@pytest.fixture
async def mongo_client(profile: Profile) -> AsyncIterator[AsyncMongoClient[dict]]:
    client: AsyncMongoClient[dict] = AsyncMongoClient(
        profile.mongo_url, tz_aware=True, serverSelectionTimeoutMS=5000, socketTimeoutMS=30000
    )
    yield client
    await client.close()


@pytest.fixture
async def db(
    mongo_client: AsyncMongoClient[dict], profile: Profile
) -> AsyncIterator[AsyncDatabase[dict]]:
    """A database of the test's own, dropped afterwards."""
    name = f"{profile.db_prefix}_t{secrets.token_hex(4)}"
    yield mongo_client[name]
    await mongo_client.drop_database(name)


@pytest.fixture(scope="session")
def stack(profile: Profile) -> Iterator[Stack]:
    """Every process of the mesh, started once for the e2e tests, on clean databases."""
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
            # Webhooks on a compressed clock: four attempts within seconds, an endpoint failing
            # for two seconds is disabled, an interrupted attempt is resent after a few seconds.
            "EXPE_RETRY_SCHEDULE_SECONDS": "[0, 0.5, 1, 2]",
            "EXPE_ATTEMPT_TIMEOUT_SECONDS": "3",
            "EXPE_DISABLE_AFTER_FAILING_SECONDS": "2",
            "EXPE_POLL_INTERVAL_SECONDS": "0.1",
            # The sandbox card network reviews disputes' evidence in a second.
            "EXPE_DISPUTE_REVIEW_SECONDS": "1",
            "EXPE_DISPUTE_REVIEW_INTERVAL_SECONDS": "1",
            # As behind a load balancer: a stopping process still serves for a second.
            "EXPE_SHUTDOWN__DRAIN_SECONDS": "1",
            # A test that stops a service leaves its callers' circuits open; a short cool-down
            # lets the next test's first call be the trial that closes them.
            "EXPE_CALLS__CIRCUIT_COOL_DOWN_SECONDS": "0.5",
        },
    )
    mesh.start()
    yield mesh
    mesh.stop()


@pytest.fixture
def serve(profile: Profile) -> Callable[..., Any]:
    """`with serve(create_app, SettingsClass, **overrides) as url:` runs the service on a fresh
    database of its own, dropped afterwards."""

    @contextmanager
    def run(
        create_app: Callable[[BaseServiceSettings], FastAPI],
        settings_class: type[BaseServiceSettings] = BaseServiceSettings,
        **overrides: Any,
    ) -> Iterator[str]:
        # The database handle is not needed here; the name only labels it.
        with on_own_database(profile, create_app, settings_class, "any", **overrides) as served:
            yield served.url

    return run


def pytest_runtest_logstart(nodeid: str, location: tuple[str, int | None, str]) -> None:
    """Names the running test in the run's data folder: a run that dies inside one (an abort, a
    hang ended from outside) prints no summary, and `deploy/local/test.sh` reports it from here."""
    del location
    path = os.environ.get("EXPE_RUNNING_TEST_FILE")
    if path:
        with open(path, "w") as out:
            out.write(nodeid)
