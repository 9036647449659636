"""The payments service app."""

from __future__ import annotations

import asyncio
import logging
from typing import cast

from fastapi import FastAPI
from pymongo.errors import PyMongoError

from services.payments.api import checkout_router, router
from services.payments.service import PaymentService
from services.payments.settings import PaymentsSettings
from services.payments.store import INDEXES, PaymentStore
from shared.app import Runtime, ServiceDefinition, app_factory

logger = logging.getLogger("expe.payments")


async def _sweep_forever(service: PaymentService, interval: float) -> None:
    while True:
        try:
            await service.sweep()
        except PyMongoError as error:
            logger.warning("payments sweep failed", extra={"error": repr(error)})
        await asyncio.sleep(interval)


async def startup(app: FastAPI, runtime: Runtime) -> None:
    del app
    settings = cast(PaymentsSettings, runtime.settings)
    service = PaymentService(PaymentStore(runtime.db), runtime.outbox, settings)
    runtime.tasks.append(
        asyncio.create_task(
            _sweep_forever(service, settings.sweep_interval_seconds), name="payments-sweeper"
        )
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
