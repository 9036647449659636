"""The wallet service app."""

from __future__ import annotations

import asyncio
from typing import cast

from fastapi import FastAPI

from services.wallet.api import router
from services.wallet.auth_client import AuthClient
from services.wallet.core import WalletCore, run_sweep
from services.wallet.internal_api import router as internal_router
from services.wallet.ledger import Heads
from services.wallet.settings import WalletSettings
from services.wallet.store import INDEXES
from shared.app import Runtime, ServiceDefinition, app_factory, close_on_shutdown
from shared.internal_http import ServiceClient


async def startup(app: FastAPI, runtime: Runtime) -> None:
    settings = cast(WalletSettings, runtime.settings)
    http = ServiceClient(
        "auth", settings.services.auth, timeout=settings.auth_timeout_seconds, calls=settings.calls
    )
    runtime.tasks.append(asyncio.create_task(close_on_shutdown(http.aclose), name="auth-client"))
    app.state.auth_client = AuthClient(http, settings.internal_secret.get_secret_value())
    app.state.wallet_heads = Heads()
    core = WalletCore.build(runtime.db, app.state.wallet_heads, runtime.outbox)
    runtime.tasks.append(
        asyncio.create_task(
            run_sweep(
                core.movements, settings.sweep_interval_seconds, settings.sweep_after_seconds
            ),
            name="wallet-sweep",
        )
    )


create_app = app_factory(
    ServiceDefinition(
        name="wallet",
        title="Expe wallet service",
        routers=[router, internal_router],
        indexes=INDEXES,
        settings_class=WalletSettings,
        startup=startup,
    )
)
