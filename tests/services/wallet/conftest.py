"""The wallet service on the real infrastructure, with the ledger's invariants checked after
every test: all movements finished (after a sweep), entries summing to zero, every chain
contiguous and consistent, each leg in at most one entry, no user or merchant wallet below zero."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from services.wallet.app import create_app
from services.wallet.core import WalletCore
from services.wallet.invariants import check_ledger
from services.wallet.ledger import Heads
from services.wallet.settings import WalletSettings
from shared.identity import Caller, service_caller
from shared.settings import BaseServiceSettings
from tests.signing import AsGateway

pytestmark = pytest.mark.infra


def user(name: str | None = None, mode: str | None = None) -> Caller:
    uid = name or f"usr_{secrets.token_hex(6)}"
    return Caller(kind="user", user_id=uid, email=f"{uid}@example.com", mode=mode)


def merchant(mode: str = "test") -> Caller:
    return Caller(
        kind="api_key",
        merchant_id=f"mer_{secrets.token_hex(6)}",
        key_id="key_x",
        key_type="secret",
        mode=mode,
    )


PAYMENTS = service_caller("payments")


@dataclass
class WalletApp:
    url: str
    db: AsyncDatabase[dict[str, Any]]

    def client(self, caller: Caller) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, auth=AsGateway(caller), timeout=60)

    def core(self, heads: Heads | None = None) -> WalletCore:
        """The service's parts on its database, as another process would hold them."""
        return WalletCore.build(self.db, heads or Heads(), None)

    async def open_wallet(self, caller: Caller, currency: str = "INR") -> str:
        async with self.client(caller) as client:
            response = await client.post("/api/v1/wallets", json={"currency": currency})
        assert response.status_code in (200, 201), response.text
        return str(response.json()["id"])

    async def top_up(self, caller: Caller, wallet_id: str, amount: int) -> httpx.Response:
        async with self.client(caller) as client:
            return await client.post(
                "/api/v1/topups",
                json={"walletId": wallet_id, "amount": amount, "source": {"type": "bank"}},
                headers={"Idempotency-Key": secrets.token_hex(8)},
            )

    async def funded(self, caller: Caller, amount: int, currency: str = "INR") -> str:
        wallet_id = await self.open_wallet(caller, currency)
        response = await self.top_up(caller, wallet_id, amount)
        assert response.status_code == 201, response.text
        return wallet_id

    async def balance(self, caller: Caller, wallet_id: str) -> dict[str, int]:
        async with self.client(caller) as client:
            body = (await client.get(f"/api/v1/wallets/{wallet_id}")).json()
        return {k: body[k] for k in ("available", "held", "total")}


async def assert_ledger_invariants(db: AsyncDatabase[dict[str, Any]]) -> None:
    core = WalletCore.build(db, Heads(), None)
    await core.movements.sweep_once(timedelta(0), limit=10_000)
    report = await check_ledger(core.wallet_store, core.ledger_store)
    assert report.problems == []
    assert report.total == 0 == await core.ledger_store.sum_of_amounts()


@pytest.fixture
def wallet_settings() -> dict[str, Any]:
    """Overrides of WalletSettings; by default the background sweep leaves movements alone."""
    return {"sweep_after_seconds": 3600.0}


@pytest.fixture
async def wallet_app(
    serve: Callable[..., Any], profile: Any, wallet_settings: dict[str, Any]
) -> AsyncIterator[WalletApp]:
    """The wallet service in this process; its ledger invariants are asserted at teardown."""
    seen: list[BaseServiceSettings] = []

    def build(settings: BaseServiceSettings) -> Any:
        seen.append(settings)
        return create_app(settings)

    with contextlib.ExitStack() as stack:
        url = stack.enter_context(serve(build, WalletSettings, **wallet_settings))
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
            profile.mongo_url, tz_aware=True
        )
        try:
            app = WalletApp(url, client[seen[0].database_name("wallet")])
            yield app
            await assert_ledger_invariants(app.db)
        finally:
            await client.close()
