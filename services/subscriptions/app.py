"""The subscriptions service app."""

from __future__ import annotations

import asyncio
from typing import cast

from fastapi import FastAPI

from services.subscriptions.api import router
from services.subscriptions.billing import Billing
from services.subscriptions.payments_client import PaymentsClient
from services.subscriptions.scheduler import Scheduler
from services.subscriptions.settings import SubscriptionsSettings
from services.subscriptions.store import INDEXES, SubscriptionStore
from shared.app import Runtime, ServiceDefinition, app_factory, close_on_shutdown
from shared.internal_http import ServiceClient


async def startup(app: FastAPI, runtime: Runtime) -> None:
    settings = cast(SubscriptionsSettings, runtime.settings)
    http = ServiceClient(
        "payments",
        settings.services.payments,
        timeout=settings.payments_timeout_seconds,
        calls=settings.calls,
    )
    runtime.tasks.append(
        asyncio.create_task(close_on_shutdown(http.aclose), name="payments-client")
    )
    payments = PaymentsClient(http, settings.internal_secret.get_secret_value())
    app.state.payments_client = payments
    store = SubscriptionStore(runtime.db)
    scheduler = Scheduler(store, Billing(store, runtime.outbox, payments))
    runtime.tasks.append(
        asyncio.create_task(
            scheduler.run(settings.schedule_interval_seconds), name="subscriptions-scheduler"
        )
    )


create_app = app_factory(
    ServiceDefinition(
        name="subscriptions",
        title="Expe subscriptions service",
        routers=[router],
        indexes=INDEXES,
        settings_class=SubscriptionsSettings,
        startup=startup,
    )
)
