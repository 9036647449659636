"""End-to-end fixtures: the whole mesh as processes, clients for it, and infrastructure control."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from devstack.accounts import (
    SEEN,
    Merchant,
    Session,
    bearer,
    create_key,
    create_merchant,
    log_in,
    sign_up,
)
from devstack.profile import PROCESSES, REPO, Profile
from devstack.stack import Stack
from devstack.waiting import wait_until

pytestmark = pytest.mark.e2e

# The event consumers of the mesh, by process: each logs when it has joined its group.
CONSUMERS = {
    "analytics": {"payment-buckets", "payment-facts"},
    "auth": {"webhook-notices"},
    "webhooks": {"webhook-messages"},
    "gateway": {"live-relay"},
}


@dataclass(frozen=True)
class StartLogs:
    """What each process of the mesh logged from its start until the mesh settled."""

    lines: dict[str, list[str]]


def _joined(stack: Stack) -> bool:
    for process, consumers in CONSUMERS.items():
        lines = stack[process].log_lines()
        said = [json.loads(line) for line in lines if '"consumer joined its group"' in line]
        if not consumers <= {entry.get("consumer") for entry in said}:
            return False
    return True


@pytest.fixture(scope="session", autouse=True)
def start_logs(stack: Stack) -> StartLogs:
    """The logs of a clean start, taken before any test acts: once every event consumer of the
    mesh has joined its group on the fresh broker (what used to log errors while the topics and
    the offsets topic did not exist yet)."""
    wait_until(lambda: _joined(stack), timeout=60, what="every event consumer to join its group")
    return StartLogs({name: stack[name].log_lines() for name in PROCESSES})


@pytest.fixture(scope="session")
def gateway(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack["gateway"].url, timeout=15) as client:
        yield client


@pytest.fixture(scope="session")
def mailpit_url(profile: Profile) -> str:
    return profile.mailpit_url


@pytest.fixture(scope="session")
def developer(gateway: httpx.Client, mailpit_url: str) -> Session:
    """A developer with a verified email, signed up once for the run."""
    return sign_up(gateway, mailpit_url)


@pytest.fixture
def owner(gateway: httpx.Client, developer: Session) -> Session:
    """The developer, logged in for this test: an access token lives 15 minutes, less than a
    whole run on a slow machine."""
    return log_in(gateway, developer.email)


@dataclass(frozen=True)
class Account:
    merchant: Merchant
    secret_key: str

    @property
    def merchant_id(self) -> str:
        return self.merchant.merchant_id


def new_account(gateway: httpx.Client, owner: Session) -> Account:
    """A new merchant of `owner`'s, with a project and a test-mode secret key."""
    merchant = create_merchant(gateway, owner)
    return Account(merchant, str(create_key(gateway, merchant)["secret"]))


@pytest.fixture
def account(gateway: httpx.Client, owner: Session) -> Account:
    return new_account(gateway, owner)


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


def register(
    gateway: httpx.Client, account: Account, url: str, events: list[str] | None = None
) -> dict[str, Any]:
    """A webhook endpoint of the account's for `url` (its secret kept out of every log)."""
    created = gateway.post(
        "/api/v1/webhooks/endpoints",
        json={"url": url, "enabledEvents": events or ["*"], "description": "orders"},
        headers={**bearer(account.secret_key), "Idempotency-Key": secrets.token_hex(8)},
    )
    assert created.status_code == 201, created.text
    endpoint = dict(created.json())
    SEEN.add(endpoint["secret"])
    return endpoint
