"""End-to-end fixtures: the whole mesh as processes, clients for it, and infrastructure control."""

from __future__ import annotations

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
    sign_up,
)
from devstack.profile import REPO, Profile
from devstack.stack import Stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def gateway(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack["gateway"].url, timeout=15) as client:
        yield client


@pytest.fixture(scope="session")
def mailpit_url(profile: Profile) -> str:
    return profile.mailpit_url


@pytest.fixture(scope="session")
def owner(gateway: httpx.Client, mailpit_url: str) -> Session:
    """A developer with a verified email, logged in."""
    return sign_up(gateway, mailpit_url)


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
