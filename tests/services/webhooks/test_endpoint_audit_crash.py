"""An endpoint change keeps its audit event in the same write, so a request that dies before
the outbox has it loses nothing: the release step adds it later, once, and finishes a delete."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from services.webhooks.endpoints import EndpointService
from services.webhooks.events import PRODUCER, endpoint_changed
from services.webhooks.store import WebhookStore
from shared.events.envelope import WEBHOOK_ENDPOINT_CHANGED
from shared.events.outbox import OUTBOX, Outbox
from shared.ids import derived_id
from tests.services.webhooks.conftest import ENDPOINTS, Service, error_of

pytestmark = pytest.mark.infra

URL = "http://127.0.0.1:9/hooks"
ACTOR = {"type": "api_key", "id": "key_crashed"}


@dataclass
class Replica:
    """The webhooks store and endpoint service on the served service's database, as another
    replica (or the same one after a restart) runs them."""

    store: WebhookStore
    endpoints: EndpointService


@pytest.fixture
def replica(webhooks: Service, mongo_client: AsyncMongoClient[dict]) -> Replica:
    db = mongo_client[webhooks.db.name]
    store = WebhookStore(db)
    return Replica(store, EndpointService(store, webhooks.settings, Outbox(db, PRODUCER)))


def changes_reported(webhooks: Service, endpoint_id: str) -> list[tuple[str, str]]:
    """(event id, change) of the endpoint's audit events in the outbox, in the order written."""
    found = webhooks.db[OUTBOX].find(
        {"envelope.type": WEBHOOK_ENDPOINT_CHANGED, "envelope.data.endpointId": endpoint_id},
        sort=[("order", 1)],
    )
    return [(doc["_id"], doc["envelope"]["data"]["change"]) for doc in found]


def pending_of(webhooks: Service, endpoint_id: str) -> list[dict[str, Any]] | None:
    stored = webhooks.db["endpoints"].find_one({"_id": endpoint_id})
    return None if stored is None else stored.get("pendingEvents")


def pending_ids(webhooks: Service, endpoint_id: str) -> list[str]:
    return [event["_id"] for event in pending_of(webhooks, endpoint_id) or []]


def stored_endpoint(webhooks: Service, endpoint_id: str) -> dict[str, Any]:
    stored = webhooks.db["endpoints"].find_one({"_id": endpoint_id})
    assert stored is not None
    return dict(stored)


def pending_event(
    stored: dict[str, Any], change: str, event_id: str | None = None
) -> dict[str, Any]:
    """The pending entry a request writes with its change."""
    envelope = endpoint_changed(stored, change, {}, ACTOR)
    if event_id is not None:
        envelope = envelope.model_copy(update={"id": event_id})
    return {
        "_id": envelope.id,
        "at": datetime.now(UTC),
        "key": stored["merchantId"],
        "envelope": envelope.model_dump(mode="json", by_alias=True),
    }


def test_every_change_is_reported_once_and_released_from_the_endpoint(webhooks: Service) -> None:
    api = webhooks.api()
    endpoint_id = api.create_endpoint(URL)["id"]
    assert pending_of(webhooks, endpoint_id) == []
    api.ok(api.patch(f"{ENDPOINTS}/{endpoint_id}", {"description": "orders"}))
    assert pending_of(webhooks, endpoint_id) == []
    api.ok(api.post(f"{ENDPOINTS}/{endpoint_id}/rotate-secret"))
    assert pending_of(webhooks, endpoint_id) == []
    assert api.delete(f"{ENDPOINTS}/{endpoint_id}").status_code == 204

    reported = changes_reported(webhooks, endpoint_id)
    assert [change for _, change in reported] == ["created", "updated", "secret_rotated", "deleted"]
    # The deleted event is named after the endpoint: a delete run again writes the same one.
    assert reported[-1][0] == derived_id("evt", PRODUCER, "endpoint-deleted", endpoint_id)
    assert webhooks.db["endpoints"].find_one({"_id": endpoint_id}) is None


async def test_an_event_left_pending_by_a_crash_is_released_once(
    webhooks: Service, replica: Replica
) -> None:
    api = webhooks.api()
    endpoint_id = api.create_endpoint(URL)["id"]
    # What a request that died after its write leaves: the change made, its event pending only.
    event = pending_event(stored_endpoint(webhooks, endpoint_id), "updated")
    assert await replica.store.change_endpoint(endpoint_id, {"description": "x"}, event=event)
    assert api.endpoint(endpoint_id)["description"] == "x"
    assert [change for _, change in changes_reported(webhooks, endpoint_id)] == ["created"]

    # A live request finishes within the minute: an event newer than `before` is left to it.
    await replica.endpoints.release_pending(datetime.now(UTC) - timedelta(minutes=1))
    assert pending_ids(webhooks, endpoint_id) == [event["_id"]]

    later = datetime.now(UTC) + timedelta(minutes=1)
    await replica.endpoints.release_pending(later)
    assert changes_reported(webhooks, endpoint_id)[1:] == [(event["_id"], "updated")]
    assert pending_of(webhooks, endpoint_id) == []
    await replica.endpoints.release_pending(later)
    assert changes_reported(webhooks, endpoint_id)[1:] == [(event["_id"], "updated")]


async def test_a_delete_cut_short_is_gone_at_once_and_finished_by_the_release(
    webhooks: Service, replica: Replica
) -> None:
    api = webhooks.api()
    endpoint_id = api.create_endpoint(URL)["id"]
    path = f"{ENDPOINTS}/{endpoint_id}"
    deleted_id = derived_id("evt", PRODUCER, "endpoint-deleted", endpoint_id)
    # What a delete that died after its first write leaves: marked, its event pending only.
    event = pending_event(stored_endpoint(webhooks, endpoint_id), "deleted", deleted_id)
    assert await replica.store.mark_endpoint_deleted(endpoint_id, datetime.now(UTC), event)

    assert error_of(api.get(path)) == (404, "resource_missing")
    assert api.ok(api.get(ENDPOINTS))["total"] == 0
    assert await replica.store.endpoints_of(webhooks.merchant_id, "test") == []
    assert error_of(api.post(f"{path}/test")) == (404, "resource_missing")
    assert error_of(api.delete(path)) == (404, "resource_missing")
    assert [change for _, change in changes_reported(webhooks, endpoint_id)] == ["created"]

    later = datetime.now(UTC) + timedelta(minutes=1)
    await replica.endpoints.release_pending(later)
    assert webhooks.db["endpoints"].find_one({"_id": endpoint_id}) is None
    assert changes_reported(webhooks, endpoint_id)[1:] == [(deleted_id, "deleted")]
    await replica.endpoints.release_pending(later)
    assert changes_reported(webhooks, endpoint_id)[1:] == [(deleted_id, "deleted")]
