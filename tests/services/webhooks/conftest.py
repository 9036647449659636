"""The webhooks service in-process on its own database, called as the gateway would, and
receivers: real HTTP servers whose answers each test scripts and whose requests it reads."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pymongo
import pytest

from devstack.profile import Profile
from devstack.waiting import wait_until
from services.webhooks.app import create_app
from services.webhooks.settings import WebhooksSettings
from shared.identity import Caller
from shared.ids import new_id
from tests.callers import secret_key
from tests.receivers import Receiver, receiving
from tests.servers import on_own_database
from tests.signing import SignedClient

ENDPOINTS = "/api/v1/webhooks/endpoints"
# Compressed so a message runs through its whole schedule in about a second.
FAST_SCHEDULE = [0, 0.2, 0.4, 0.8]


def error_of(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A receiver that answers 200 to everything (tests script it with answer_with)."""
    with receiving(Receiver()) as running_receiver:
        yield running_receiver


# The service.


class Api(SignedClient):
    """Calls the webhooks service as one caller."""

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
    options: dict[str, Any] = {
        "consume_events": False,
        "retry_schedule_seconds": FAST_SCHEDULE,
        "attempt_timeout_seconds": 5.0,
        "poll_interval_seconds": 0.05,
        # No payments service unless a test serves one: nothing reaches another stack's.
        "services": {"payments": "http://127.0.0.1:9"},
        **overrides,
    }
    with on_own_database(profile, create_app, WebhooksSettings, "webhooks", **options) as served:
        yield Service(served.url, served.db, new_id("mer"), served.settings)


@pytest.fixture
def webhooks(profile: Profile) -> Iterator[Service]:
    with running(profile) as service:
        yield service
