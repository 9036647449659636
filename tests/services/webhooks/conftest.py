"""The webhooks service in-process on its own database, called as the gateway would, and
receivers: real HTTP servers whose answers each test scripts and whose requests it reads."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pymongo
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from devstack.profile import Profile
from devstack.waiting import wait_until
from services.webhooks.app import create_app
from services.webhooks.settings import WebhooksSettings
from shared.identity import Caller
from shared.ids import new_id
from tests.callers import secret_key
from tests.servers import free_port
from tests.signing import AsGateway

ENDPOINTS = "/api/v1/webhooks/endpoints"
# Compressed so a message runs through its whole schedule in about a second.
FAST_SCHEDULE = [0, 0.2, 0.4, 0.8]


def error_of(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


# Receivers.


@dataclass(frozen=True)
class Answer:
    """What a receiver answers to one request (after `delay` seconds)."""

    status: int = 200
    body: str = "ok"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]


class Receiver:
    """A merchant's webhook receiver: answers as `script` says, then `default`; records every
    request (headers and raw body) as it arrives."""

    def __init__(self, *script: Answer | int, default: Answer | int = 200) -> None:
        self._script = [self._answer(a) for a in script]
        self.default = self._answer(default)
        self._lock = threading.Lock()
        self._requests: list[Received] = []
        self.app = Starlette(routes=[Route("/{path:path}", self._handle, methods=["POST"])])
        self.url = ""

    @staticmethod
    def _answer(answer: Answer | int) -> Answer:
        return answer if isinstance(answer, Answer) else Answer(answer)

    def answer_with(self, *script: Answer | int, default: Answer | int | None = None) -> None:
        with self._lock:
            self._script = [self._answer(a) for a in script]
            if default is not None:
                self.default = self._answer(default)

    async def _handle(self, request: Request) -> Response:
        body = await request.body()
        received = Received(request.url.path, dict(request.headers.items()), body, time.monotonic())
        with self._lock:
            self._requests.append(received)
            answer = self._script.pop(0) if self._script else self.default
        if answer.delay:
            await asyncio.sleep(answer.delay)
        return Response(answer.body, status_code=answer.status, headers=answer.headers)

    @property
    def requests(self) -> list[Received]:
        with self._lock:
            return list(self._requests)

    def of(self, webhook_id: str) -> list[Received]:
        return [r for r in self.requests if r.headers.get("webhook-id") == webhook_id]

    def wait_for(self, count: int, *, timeout: float = 15) -> list[Received]:
        """The first `count` requests, once they have arrived."""
        wait_until(lambda: len(self.requests) >= count, timeout=timeout, what=f"{count} requests")
        return self.requests[:count]


@contextlib.contextmanager
def serve_on(app: ASGIApp, port: int | None = None, *, lifespan: bool = False) -> Iterator[str]:
    """Serves `app` on `port` (a free one when None) of loopback; yields its base URL."""
    port = port or free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, lifespan="on" if lifespan else "off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, timeout=15, what=f"a server on port {port}")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@contextlib.contextmanager
def receiving(receiver: Receiver, port: int | None = None) -> Iterator[Receiver]:
    with serve_on(receiver.app, port) as url:
        receiver.url = f"{url}/hooks"
        yield receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A receiver that answers 200 to everything (tests script it with answer_with)."""
    with receiving(Receiver()) as running_receiver:
        yield running_receiver


# The service.


@dataclass
class Api:
    """Calls the webhooks service as one caller."""

    url: str
    caller: Caller

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return httpx.request(
            method, f"{self.url}{path}", auth=AsGateway(self.caller), timeout=30, **kwargs
        )

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, json=body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", path, json=body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)

    def as_(self, caller: Caller) -> Api:
        return Api(self.url, caller)

    def ok(self, response: httpx.Response, status: int = 200) -> dict[str, Any]:
        assert response.status_code == status, response.text
        return dict(response.json())

    # The calls most tests make.

    def create_endpoint(self, url: str, **fields: Any) -> dict[str, Any]:
        return self.ok(self.post(ENDPOINTS, {"url": url, **fields}), 201)

    def endpoint(self, endpoint_id: str) -> dict[str, Any]:
        return self.ok(self.get(f"{ENDPOINTS}/{endpoint_id}"))

    def send_test(self, endpoint_id: str, event_type: str = "payment.completed") -> dict[str, Any]:
        return self.ok(self.post(f"{ENDPOINTS}/{endpoint_id}/test", {"eventType": event_type}), 201)

    def messages(self, **query: Any) -> list[dict[str, Any]]:
        page = self.ok(self.get("/api/v1/webhooks/messages", params={"limit": 100, **query}))
        return list(page["data"])

    def message(self, message_id: str) -> dict[str, Any]:
        (found,) = [m for m in self.messages() if m["id"] == message_id]
        return found

    def attempts(self, **query: Any) -> list[dict[str, Any]]:
        """Attempts matching `query`, oldest first."""
        page = self.ok(self.get("/api/v1/webhooks/attempts", params={"limit": 100, **query}))
        return list(reversed(page["data"]))

    def attempt(self, attempt_id: str) -> dict[str, Any]:
        return self.ok(self.get(f"/api/v1/webhooks/attempts/{attempt_id}"))

    def wait_for_status(
        self, message_id: str, status: str, *, timeout: float = 15
    ) -> dict[str, Any]:
        def reached() -> dict[str, Any]:
            message = self.message(message_id)
            return message if message["status"] == status else {}

        return wait_until(reached, timeout=timeout, what=f"{message_id} {status}")


@dataclass
class Service:
    url: str
    db: pymongo.database.Database  # type: ignore[type-arg]
    merchant_id: str
    settings: WebhooksSettings

    def api(self, caller: Caller | None = None) -> Api:
        return Api(self.url, caller or secret_key(self.merchant_id))

    def live(self) -> Api:
        return self.api(secret_key(self.merchant_id, "live"))

    def outbox(self, event_type: str) -> list[dict[str, Any]]:
        """The events of `event_type` the service wrote to its outbox."""
        return [doc["envelope"] for doc in self.db["outbox"].find({"envelope.type": event_type})]


@contextmanager
def running(profile: Profile, **overrides: Any) -> Iterator[Service]:
    """The webhooks service on a fresh database of its own, dropped afterwards. It takes no
    Kafka events: tests queue messages with the test-event sender or replays."""
    prefix = f"{profile.db_prefix}svc{secrets.token_hex(4)}"
    options: dict[str, Any] = {
        "consume_events": False,
        "retry_schedule_seconds": FAST_SCHEDULE,
        "attempt_timeout_seconds": 5.0,
        "poll_interval_seconds": 0.05,
        **overrides,
    }
    settings = WebhooksSettings(
        env="test",
        mongo={"url": profile.mongo_url, "db_prefix": prefix},
        kafka={"bootstrap_servers": profile.kafka_bootstrap},
        redis={"url": profile.redis_url},
        **options,
    )
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(
        profile.mongo_url, tz_aware=True
    )
    try:
        with serve_on(create_app(settings), lifespan=True) as url:
            yield Service(url, client[f"{prefix}_webhooks"], new_id("mer"), settings)
    finally:
        for name in client.list_database_names():
            if name.startswith(prefix):
                client.drop_database(name)
        client.close()


@pytest.fixture
def webhooks(profile: Profile) -> Iterator[Service]:
    with running(profile) as service:
        yield service
