"""The payments service app."""

from __future__ import annotations

import asyncio
from typing import cast

from fastapi import FastAPI

from services.payments.api import checkout_router, router
from services.payments.refunds import RefundService
from services.payments.service import PaymentService
from services.payments.settings import PaymentsSettings
from services.payments.store import INDEXES, PaymentStore
from services.payments.sweeper import Sweeper
from shared.app import Runtime, ServiceDefinition, app_factory


def sweeper(runtime: Runtime) -> Sweeper:
    settings = cast(PaymentsSettings, runtime.settings)
    store = PaymentStore(runtime.db)
    payments = PaymentService(store, runtime.outbox, settings)
    return Sweeper(payments, RefundService(payments, store, runtime.outbox), store, runtime.outbox)


async def startup(app: FastAPI, runtime: Runtime) -> None:
    del app
    interval = cast(PaymentsSettings, runtime.settings).sweep_interval_seconds
    runtime.tasks.append(
        asyncio.create_task(sweeper(runtime).run(interval), name="payments-sweeper")
    )


create_app = app_factory(
    ServiceDefinition(
        name="payments",
        title="Expe payments service",
        routers=[router, checkout_router],
        indexes=INDEXES,
        settings_class=PaymentsSettings,
        startup=startup,
    )
)
