"""The analytics service app."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI

from services.analytics import periods, store
from services.analytics.api import router
from services.analytics.consumers import build_consumers
from services.analytics.metrics import count_active_merchants
from services.analytics.store import PaymentBuckets
from shared.app import Runtime, ServiceDefinition, app_factory


async def startup(_: FastAPI, runtime: Runtime) -> None:
    counting = count_active_merchants(PaymentBuckets(runtime.db))
    runtime.tasks.append(asyncio.create_task(counting, name="active-merchants"))


create_app = app_factory(
    ServiceDefinition(
        name="analytics",
        title="Expe analytics service",
        routers=[router],
        indexes=(*store.INDEXES, *periods.INDEXES),
        consumers=build_consumers,
        startup=startup,
    )
)
