"""End-to-end fixtures: the whole mesh as processes, clients for it, and infrastructure control."""

from __future__ import annotations

import contextlib
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
    "auth": {"webhook-notices", "audit-reports"},
    "webhooks": {"webhook-messages"},
    "gateway": {"live-relay"},
}


@dataclass(frozen=True)
class StartLogs:
    """What each process of the mesh logged from its start until the mesh settled."""

    lines: dict[str, list[str]]


_STARTED = '"message":"Application startup complete."'


def _settled_at(logs: dict[str, list[str]]) -> str | None:
    """When the mesh first settled: the time the last of its processes first finished starting
    and the last of its consumers first joined its group (None before that). Read from the
    logs, so suites that ran first (the chaos suite kills and restarts processes) do not change
    what the clean start was."""
    joined: list[str] = []
    for lines in logs.values():
        started = next((line for line in lines if _STARTED in line), None)
        if started is None:
            return None
        joined.append(json.loads(started)["time"])
    for process, consumers in CONSUMERS.items():
        first: dict[str, str] = {}
        for line in logs[process]:
            if '"consumer joined its group"' in line:
                entry = json.loads(line)
                first.setdefault(entry.get("consumer"), entry["time"])
        if not consumers <= first.keys():
            return None
        joined += [first[consumer] for consumer in consumers]
    return max(joined)


def _until(lines: list[str], moment: str) -> list[str]:
    """The lines logged up to `moment` (log times are ISO 8601 in UTC: they sort as text)."""
    kept = []
    for line in lines:
        with contextlib.suppress(ValueError):  # a line still being written has no time yet
            if line.startswith("{") and json.loads(line).get("time", "") > moment:
                break
        kept.append(line)
    return kept


@pytest.fixture(scope="session", autouse=True)
def start_logs(stack: Stack) -> StartLogs:
    """The logs of a clean start: up to when every event consumer of the mesh had first joined
    its group on the fresh broker (what used to log errors while the topics and the offsets
    topic did not exist yet)."""

    def logs() -> dict[str, list[str]]:
        return {name: stack[name].log_lines() for name in PROCESSES}

    wait_until(
        lambda: _settled_at(logs()) is not None,
        timeout=60,
        what="every event consumer to join its group",
    )
    now = logs()
    moment = _settled_at(now)
    assert moment is not None
    return StartLogs({name: _until(lines, moment) for name, lines in now.items()})


@pytest.fixture(scope="session")
def gateway(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack["gateway"].url, timeout=15) as client:
        yield client


# Source addresses of the loopback network, one per client that needs rate-limit buckets and
# login counters of its own: the rest of the suite, fuzzers included, calls from 127.0.0.1.
_ADDRESSES = (f"127.0.{third}.{fourth}" for third in range(10, 250) for fourth in range(2, 250))


def from_own_address(stack: Stack) -> httpx.Client:
    """A client of the gateway whose requests come from an address no other client uses."""
    address = next(_ADDRESSES)
    return httpx.Client(
        base_url=stack["gateway"].url,
        timeout=15,
        transport=httpx.HTTPTransport(local_address=address),
    )


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


def open_wallet(gateway: httpx.Client, headers: dict[str, str]) -> str:
    """A new INR wallet of whoever `headers` authenticate (a secret key, a customer's session)."""
    opened = gateway.post(
        "/api/v1/wallets",
        json={"currency": "INR"},
        headers={**headers, "Idempotency-Key": secrets.token_hex(8)},
    )
    assert opened.status_code in (200, 201), opened.text
    return str(opened.json()["id"])


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
