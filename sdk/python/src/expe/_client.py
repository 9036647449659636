"""The clients: `Expe` answers at once, `AsyncExpe` with awaitables; the resources are the same."""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import TracebackType
from typing import Generic

import httpx

from expe._calls import Async, ModeT, Sync
from expe._transport import AsyncTransport, Settings, SyncTransport
from expe.resources import (
    Analytics,
    Checkout,
    Logs,
    Payments,
    RateLimitsResource,
    Topups,
    Transactions,
    Transfers,
    Wallets,
    Webhooks,
)

DEFAULT_BASE_URL = "http://localhost:8000"
DEFAULT_TIMEOUT_SECONDS = 30.0
DEFAULT_MAX_RETRIES = 2


def _settings(
    api_key: str | None,
    base_url: str | None,
    timeout: float,
    max_retries: int,
    headers: Mapping[str, str] | None,
) -> Settings:
    key = api_key or os.environ.get("EXPE_API_KEY")
    if not key:
        raise ValueError("No API key: pass one (sk_test_…, sk_live_…, pk_…) or set EXPE_API_KEY.")
    url = base_url or os.environ.get("EXPE_API_URL") or DEFAULT_BASE_URL
    if max_retries < 0:
        raise ValueError("max_retries cannot be negative.")
    return Settings(key, url.rstrip("/"), timeout, max_retries, dict(headers or {}))


class _Client(Generic[ModeT]):
    payments: Payments[ModeT]
    checkout: Checkout[ModeT]
    transactions: Transactions[ModeT]
    wallets: Wallets[ModeT]
    topups: Topups[ModeT]
    transfers: Transfers[ModeT]
    webhooks: Webhooks[ModeT]
    analytics: Analytics[ModeT]
    rate_limits: RateLimitsResource[ModeT]
    logs: Logs[ModeT]

    def __init__(self, settings: Settings, transport: SyncTransport | AsyncTransport) -> None:
        self._settings = settings
        self.payments = Payments(transport)
        self.checkout = Checkout(transport)
        self.transactions = Transactions(transport)
        self.wallets = Wallets(transport)
        self.topups = Topups(transport)
        self.transfers = Transfers(transport)
        self.webhooks = Webhooks(transport)
        self.analytics = Analytics(transport)
        self.rate_limits = RateLimitsResource(transport)
        self.logs = Logs(transport)

    @property
    def api_key(self) -> str:
        return self._settings.api_key

    @property
    def base_url(self) -> str:
        return self._settings.base_url

    @property
    def is_test_mode(self) -> bool:
        """True for a test-mode key (`sk_test_…`, `pk_test_…`): nothing it does moves money."""
        return self._settings.api_key.startswith(("sk_test_", "pk_test_"))

    def __repr__(self) -> str:
        mode = "test" if self.is_test_mode else "live"
        return f"<{type(self).__name__} {self.base_url} {mode} mode>"


class Expe(_Client[Sync]):
    """The Expe API, answering each call at once.

    `Expe("sk_test_…")`; the base URL defaults to `EXPE_API_URL` or http://localhost:8000.
    Calls give up after `timeout` seconds and are retried up to `max_retries` times on network
    errors, 429 and 5xx answers. `headers` go with every request.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        max_retries: int = DEFAULT_MAX_RETRIES,
        headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        settings = _settings(api_key, base_url, timeout, max_retries, headers)
        self._transport = SyncTransport(settings, http_client)
        super().__init__(settings, self._transport)

    def close(self) -> None:
        """Closes the connections (not an `http_client` passed in)."""
        self._transport.close()

    def __enter__(self) -> Expe:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class AsyncExpe(_Client[Async]):
    """The Expe API for asyncio: the same resources as `Expe`, each call awaited.

    Options as for `Expe`.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        max_retries: int = DEFAULT_MAX_RETRIES,
        headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        settings = _settings(api_key, base_url, timeout, max_retries, headers)
        self._transport = AsyncTransport(settings, http_client)
        super().__init__(settings, self._transport)

    async def close(self) -> None:
        """Closes the connections (not an `http_client` passed in)."""
        await self._transport.close()

    async def __aenter__(self) -> AsyncExpe:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
