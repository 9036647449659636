"""The chaos suite's fixtures: the e2e mesh (the same processes, the same controller), the
parties the load acts for, their webhook receiver, and the figures printed at the end."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from devstack.accounts import Session, bearer, log_in, sign_up
from devstack.profile import Profile
from devstack.serving import free_port
from devstack.stack import Stack
from tests.chaos.invariants import Databases, Tally, World
from tests.chaos.load import Merchant, Party
from tests.e2e.conftest import (  # the e2e fixtures, for the same mesh
    Account,
    developer,
    gateway,
    infrastructure,
    mailpit_url,
    new_account,
    open_wallet,
    register,
    start_logs,
)
from tests.receivers import Receiver, receiving

__all__ = ["developer", "gateway", "infrastructure", "mailpit_url", "start_logs"]

pytestmark = pytest.mark.e2e

FUNDS = 10**10
MERCHANTS = 3
TALLY = pytest.StashKey[Tally]()


class SwitchedReceiver:
    """The merchants' webhook receiver on a port of its own, which a test can take down and
    bring back on the same address."""

    def __init__(self) -> None:
        self.receiver = Receiver()
        self.port = free_port()
        self._serving = contextlib.ExitStack()

    def up(self) -> None:
        self._serving.enter_context(receiving(self.receiver, self.port))

    def down(self) -> None:
        self._serving.close()


@pytest.fixture(scope="session")
def switched_receiver() -> Iterator[SwitchedReceiver]:
    switched = SwitchedReceiver()
    switched.up()
    yield switched
    switched.down()


def _fund(gateway: httpx.Client, headers: dict[str, str], wallet_id: str) -> None:
    topped = gateway.post(
        "/api/v1/topups",
        json={"walletId": wallet_id, "amount": FUNDS, "source": {"type": "bank"}},
        headers={**headers, "Idempotency-Key": secrets.token_hex(8)},
    )
    assert topped.status_code == 201, topped.text


def _merchant(gateway: httpx.Client, owner: Session) -> tuple[Account, Merchant]:
    account = new_account(gateway, owner)
    wallet = open_wallet(gateway, bearer(account.secret_key))
    return account, Merchant(account.merchant_id, account.secret_key, wallet)


@pytest.fixture(scope="module")
def world(
    gateway: httpx.Client,
    developer: Session,
    mailpit_url: str,
    switched_receiver: SwitchedReceiver,
) -> World:
    """Merchants with a webhook endpoint each, a customer with a funded wallet, and a funded
    merchant wallet that transfers to another merchant's."""
    owner = log_in(gateway, developer.email)
    accounts = [_merchant(gateway, owner) for _ in range(MERCHANTS)]
    merchants = tuple(merchant for _, merchant in accounts)
    (_, payer), (_, payee) = _merchant(gateway, owner), _merchant(gateway, owner)
    customer = sign_up(gateway, mailpit_url)
    customer_wallet = open_wallet(gateway, customer.headers())
    _fund(gateway, customer.headers(), customer_wallet)
    _fund(gateway, bearer(payer.secret_key), payer.wallet_id)
    receiver = switched_receiver.receiver
    endpoints = {
        account.merchant_id: str(
            register(gateway, account, receiver.url, ["payment.*", "refund.issued"])["id"]
        )
        for account, _ in accounts
    }
    party = Party(merchants, customer.headers(), customer_wallet, payer, payee.wallet_id)
    funded = {customer_wallet: FUNDS, payer.wallet_id: FUNDS}
    return World(party, endpoints, receiver, funded)


@pytest.fixture
async def databases(profile: Profile, stack: Stack) -> AsyncIterator[Databases]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        profile.mongo_url, tz_aware=True, serverSelectionTimeoutMS=10000
    )
    yield Databases(client, profile)
    await client.close()


@pytest.fixture(scope="session")
def tally(request: pytest.FixtureRequest) -> Tally:
    found = Tally()
    request.config.stash[TALLY] = found
    return found


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The suite's figures, in every run's output whatever its capture."""
    found = terminalreporter.config.stash.get(TALLY, None)
    if found is None:
        return
    terminalreporter.section("chaos suite")
    for line in found.lines():
        terminalreporter.write_line(line)
