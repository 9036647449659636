"""The app factory every service uses: clients in the lifespan, health, metrics, errors, events."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError
from redis.asyncio import Redis

from shared.errors import install_error_handlers
from shared.events.consumer import CONSUMER_INDEXES, EventConsumer
from shared.events.outbox import OUTBOX_INDEXES, Outbox, OutboxRelay
from shared.events.producer import EventProducer
from shared.health import Check, health_router
from shared.http import RequestContextMiddleware
from shared.idempotency import IDEMPOTENCY_INDEXES, purge_expired_keys
from shared.identity import caller_from_request
from shared.logs import configure_logging
from shared.metrics import instrument
from shared.mongo import CollectionIndexes, Document, Mongo
from shared.openapi import install_openapi
from shared.redis_client import create_redis
from shared.settings import BaseServiceSettings
from shared.shutdown import GracefulShutdown
from shared.tasks import cancel_and_wait
from shared.tracing import NO_FASTAPI_TELEMETRY, configure_tracing, shutdown_tracing

logger = logging.getLogger("expe.app")

_INDEX_BOOTSTRAP_SECONDS = 60


@dataclass
class Runtime:
    """The clients a running service holds; built in the lifespan, kept on `app.state`."""

    service: str
    settings: BaseServiceSettings
    mongo: Mongo
    redis: Redis
    producer: EventProducer
    outbox: Outbox
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    @property
    def db(self) -> AsyncDatabase[Document]:
        return self.mongo.db

    def checks(self) -> Mapping[str, Check]:
        return {"mongo": self.mongo.ping, "kafka": self.producer.probe, "redis": self.redis.ping}


@dataclass(frozen=True)
class ServiceDefinition:
    """What makes one service: its routes, indexes and event consumers."""

    name: str
    title: str
    routers: Sequence[APIRouter] = ()
    indexes: Sequence[CollectionIndexes] = ()
    consumers: Callable[[Runtime], Sequence[EventConsumer]] = lambda _: ()
    settings_class: type[BaseServiceSettings] = BaseServiceSettings
    # Builds the service's own long-lived objects once the clients exist (kept on app.state).
    startup: Callable[[FastAPI, Runtime], Awaitable[None]] | None = None


async def close_on_shutdown(close: Callable[[], Awaitable[None]]) -> None:
    """A task that waits for the shutdown (which cancels the service's tasks), then calls
    `close`: the way a service's own clients end with it."""
    try:
        await asyncio.Event().wait()
    finally:
        await close()


# Dependencies are `async def` even when they await nothing: FastAPI runs a plain `def` one in a
# worker thread (tests/shared/test_dependencies.py keeps it so).
async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_db(runtime: RuntimeDep) -> AsyncDatabase[Document]:
    return runtime.db


Database = Annotated[AsyncDatabase[Document], Depends(get_db)]


async def _bootstrap_indexes(mongo: Mongo, indexes: Sequence[CollectionIndexes]) -> None:
    # The database may still be starting next to us; give it a minute before giving up.
    async with asyncio.timeout(_INDEX_BOOTSTRAP_SECONDS):
        while True:
            try:
                await mongo.ensure_indexes(indexes)
                return
            except PyMongoError as error:
                logger.warning("database not ready, retrying", extra={"error": repr(error)})
                await asyncio.sleep(1)


def _lifespan(definition: ServiceDefinition, settings: BaseServiceSettings):  # type: ignore[no-untyped-def]
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        mongo = Mongo(settings.mongo, settings.database_name(definition.name))
        await _bootstrap_indexes(
            mongo, [OUTBOX_INDEXES, IDEMPOTENCY_INDEXES, *CONSUMER_INDEXES, *definition.indexes]
        )
        producer = EventProducer(
            settings.kafka, client_id=f"{settings.kafka.client_id_prefix}-{definition.name}"
        )
        producer.start()
        outbox = Outbox(mongo.db, definition.name)
        runtime = Runtime(
            definition.name, settings, mongo, create_redis(settings.redis), producer, outbox
        )
        relay = OutboxRelay(mongo.db, producer, settings.outbox, outbox.written)
        relay_task = asyncio.create_task(relay.run(), name="outbox-relay")
        runtime.tasks.append(relay_task)
        runtime.tasks.append(
            asyncio.create_task(purge_expired_keys(mongo.db), name="idempotency-purge")
        )
        consumers = definition.consumers(runtime)
        consumer_tasks = [asyncio.create_task(c.run(), name=c.name) for c in consumers]
        runtime.tasks.extend(consumer_tasks)
        app.state.runtime = runtime
        app.state.shutdown = GracefulShutdown(settings.shutdown)
        if definition.startup is not None:
            await definition.startup(app, runtime)
        app.state.shutdown.install()
        logger.info("service started")
        try:
            yield
        finally:
            app.state.shutdown.uninstall()
            # The batch each consumer holds is handled and committed, and the relay's batch
            # acknowledged, before the rest is cancelled.
            relay.stop_soon()
            for consumer in consumers:
                consumer.stop_soon()
            await asyncio.wait(
                [relay_task, *consumer_tasks], timeout=settings.shutdown.grace_seconds
            )
            await cancel_and_wait(runtime.tasks)
            await relay.release()
            await producer.stop()
            await runtime.redis.aclose()
            await mongo.close()
            shutdown_tracing()

    return lifespan


def create_service_app(definition: ServiceDefinition, settings: BaseServiceSettings) -> FastAPI:
    configure_logging(definition.name, settings.log_level)
    configure_tracing(definition.name, settings.otel)
    app = FastAPI(
        title=definition.title,
        lifespan=_lifespan(definition, settings),
        docs_url="/docs" if settings.env != "production" else None,
        telemetry=NO_FASTAPI_TELEMETRY,
    )
    install_error_handlers(app)
    app.include_router(
        health_router(
            definition.name,
            lambda request: request.app.state.runtime.checks(),
            lambda request: request.app.state.shutdown.draining,
        )
    )
    for router in definition.routers:
        # Every API route trusts only callers the gateway signed for.
        app.include_router(router, dependencies=[Depends(caller_from_request)])
    install_openapi(app)
    instrument(app)
    app.add_middleware(RequestContextMiddleware, service=definition.name)
    return app


def app_factory(definition: ServiceDefinition) -> Callable[..., FastAPI]:
    """The `create_app` a service module exposes for `uvicorn --factory`."""

    def create_app(settings: BaseServiceSettings | None = None) -> FastAPI:
        return create_service_app(definition, settings or definition.settings_class())

    return create_app
