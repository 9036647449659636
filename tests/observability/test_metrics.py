"""The process metrics the dashboards and alerts read are recorded as they say: error answers by
route and code, the event loop's lag, the memory limit, MongoDB's and Redis' health."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import redis.exceptions
from fastapi import FastAPI
from prometheus_client import REGISTRY
from pydantic import BaseModel

from devstack.profile import Profile
from devstack.waiting import eventually
from shared.errors import Conflict, install_error_handlers
from shared.metrics import instrument, memory_limit_bytes
from shared.mongo import Mongo
from shared.redis_metrics import TimedRedis
from shared.settings import MongoSettings


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


class ThingCreate(BaseModel):
    name: str


class ThingTaken(Conflict):
    """The thing is someone else's."""

    code = "thing_taken"


def build_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/things/{thing_id}")
    async def take(thing_id: str, body: ThingCreate) -> None:
        raise ThingTaken(f"{thing_id} ({body.name}) is taken.")

    instrument(app)
    return app


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[None]:
    """The app between its lifespan's startup and shutdown, as a server runs it."""
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    started = asyncio.Event()

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "lifespan.startup.complete":
            started.set()

    scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
    lifespan = asyncio.create_task(app(scope, inbox.get, send))
    await inbox.put({"type": "lifespan.startup"})
    await started.wait()
    try:
        yield
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        await lifespan


async def test_error_answers_are_counted_by_route_status_and_code() -> None:
    taken = {"handler": "/things/{thing_id}", "status": "409", "code": "thing_taken"}
    missing = {"handler": "/things/{thing_id}", "status": "400", "code": "parameter_missing"}
    no_route = {"handler": "none", "status": "404", "code": "resource_missing"}
    counted = {"taken": taken, "missing": missing, "no_route": no_route}
    before = {key: sample("expe_api_errors_total", **labels) for key, labels in counted.items()}
    transport = httpx.ASGITransport(app=build_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.post("/things/t_1", json={"name": "lamp"})).status_code == 409
        assert (await client.post("/things/t_2", json={})).status_code == 400
        assert (await client.get("/nowhere")).status_code == 404
    assert sample("expe_api_errors_total", **taken) == before["taken"] + 1
    assert sample("expe_api_errors_total", **missing) == before["missing"] + 1
    assert sample("expe_api_errors_total", **no_route) == before["no_route"] + 1
    assert sample("expe_http_requests_in_flight") == 0


async def test_the_event_loop_lag_is_measured_while_the_app_runs() -> None:
    before = sample("expe_event_loop_lag_seconds_count")

    async def probed_twice() -> bool:
        return sample("expe_event_loop_lag_seconds_count") >= before + 2

    async with running(build_app()):
        await eventually(probed_twice, timeout=10, what="two probes of the event loop")


def test_the_memory_limit_is_the_containers_or_the_machines() -> None:
    machine = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert 0 < memory_limit_bytes() <= machine


async def test_a_redis_that_does_not_answer_counts_connection_errors() -> None:
    labels = {"command": "PING", "outcome": "connection_error"}
    before = sample("expe_redis_command_duration_seconds_count", **labels)
    # Port 9 (discard) has no Redis behind it.
    client = TimedRedis.from_url("redis://127.0.0.1:9/0", socket_connect_timeout=1)
    with pytest.raises(redis.exceptions.ConnectionError):
        await client.ping()
    await client.aclose()
    assert sample("expe_redis_command_duration_seconds_count", **labels) == before + 1


@pytest.mark.infra
async def test_redis_commands_and_pipelines_are_timed(profile: Profile) -> None:
    before = {
        command: sample("expe_redis_command_duration_seconds_count", command=command, outcome="ok")
        for command in ("SET", "PIPELINE")
    }
    client = TimedRedis.from_url(profile.redis_url)
    await client.set("expe:metrics-test", "1", ex=10)
    async with client.pipeline(transaction=False) as pipe:
        pipe.get("expe:metrics-test")
        pipe.delete("expe:metrics-test")
        await pipe.execute()
    await client.aclose()
    for command, count in before.items():
        after = sample("expe_redis_command_duration_seconds_count", command=command, outcome="ok")
        assert after == count + 1, command


@pytest.mark.infra
async def test_mongodb_servers_and_connections_are_reported(profile: Profile) -> None:
    mongo = Mongo(MongoSettings(url=profile.mongo_url), "test_metrics")
    server = f"127.0.0.1:{profile.port('EXPE_STORE_PORT')}"

    async def reachable() -> bool:
        await mongo.ping()
        return sample("expe_mongo_server_reachable", server=server) == 1

    try:
        await eventually(reachable, timeout=15, what="a heartbeat to the store")
        assert sample("expe_mongo_connections") >= 1
    finally:
        await mongo.close()
