"""End-to-end fixtures: the whole mesh as processes, clients for it, and infrastructure control."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import httpx
import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from devstack.profile import REPO, Profile
from devstack.stack import Stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def gateway(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack["gateway"].url, timeout=15) as client:
        yield client


@pytest.fixture
async def payments_db(
    mongo_client: AsyncMongoClient[dict], profile: Profile, stack: Stack
) -> AsyncDatabase[dict]:
    return mongo_client[f"{profile.db_prefix}_payments"]


class Infrastructure:
    """Stops and starts pieces of the test profile's infrastructure, as an SRE would."""

    def __init__(self, profile: Profile) -> None:
        self.env = {**os.environ, **profile.values}

    def run(self, action: str, component: str) -> None:
        subprocess.run(
            [str(REPO / "deploy" / "local" / "infra.sh"), action, component],
            env=self.env,
            cwd=REPO,
            check=True,
            timeout=180,
        )


@pytest.fixture(scope="session")
def infrastructure(profile: Profile) -> Infrastructure:
    return Infrastructure(profile)
