"""The webhooks service app."""

from __future__ import annotations

import asyncio
from typing import cast

import httpx
from fastapi import FastAPI

from services.webhooks.api import router
from services.webhooks.audit_release import release_forever
from services.webhooks.consumers import message_consumer
from services.webhooks.delivery import Sender
from services.webhooks.deps import Webhooks
from services.webhooks.dispatcher import Dispatcher
from services.webhooks.endpoints import EndpointService
from services.webhooks.messages import MessageService
from services.webhooks.payments_client import PaymentsClient
from services.webhooks.retention import purge_forever
from services.webhooks.settings import WebhooksSettings
from services.webhooks.store import INDEXES, WebhookStore
from services.webhooks.verification import Handshakes
from shared.app import Runtime, ServiceDefinition, app_factory, close_on_shutdown
from shared.internal_http import ServiceClient


async def startup(app: FastAPI, runtime: Runtime) -> None:
    settings = cast(WebhooksSettings, runtime.settings)
    # Receivers are strangers: no redirects followed, no proxy or netrc from the environment.
    http = httpx.AsyncClient(
        timeout=settings.attempt_timeout_seconds,
        follow_redirects=False,
        trust_env=False,
        limits=httpx.Limits(
            max_connections=settings.max_in_flight, max_keepalive_connections=settings.max_in_flight
        ),
    )
    wake = asyncio.Event()
    store = WebhookStore(runtime.db)
    endpoints = EndpointService(store, settings, runtime.outbox)
    messages = MessageService(store, wake)
    sender = Sender(
        http,
        timeout=settings.attempt_timeout_seconds,
        body_limit=settings.response_body_limit,
        private_test_endpoints=settings.test_endpoints_may_be_private,
    )
    dispatcher = Dispatcher(
        store, endpoints, sender, runtime.outbox, settings, wake, live=runtime.redis
    )
    payments_http = ServiceClient(
        "payments",
        settings.services.payments,
        timeout=settings.payments_timeout_seconds,
        calls=settings.calls,
    )
    payments = PaymentsClient(payments_http, settings.internal_secret.get_secret_value())
    app.state.webhooks = Webhooks(
        store, endpoints, messages, dispatcher, Handshakes(store, dispatcher), settings, payments
    )
    runtime.tasks.append(asyncio.create_task(close_on_shutdown(http.aclose), name="receivers"))
    runtime.tasks.append(
        asyncio.create_task(close_on_shutdown(payments_http.aclose), name="payments-client")
    )
    runtime.tasks.append(asyncio.create_task(dispatcher.run(), name="webhook-dispatcher"))
    runtime.tasks.append(
        asyncio.create_task(purge_forever(store, settings.retention_days), name="webhook-purge")
    )
    runtime.tasks.append(
        asyncio.create_task(release_forever(endpoints), name="webhook-audit-release")
    )
    if settings.consume_events:
        consumer = message_consumer(runtime, settings, messages)
        runtime.tasks.append(asyncio.create_task(consumer.run(), name=consumer.name))


create_app = app_factory(
    ServiceDefinition(
        name="webhooks",
        title="Expe webhooks service",
        routers=[router],
        indexes=INDEXES,
        settings_class=WebhooksSettings,
        startup=startup,
    )
)
