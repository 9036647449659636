"""Every change to a webhook endpoint made through the gateway is in the merchant's audit log,
with who made it: webhooks reports it through its outbox and Kafka, auth appends it once."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient

from devstack.accounts import bearer, create_key
from devstack.profile import Profile
from devstack.waiting import eventually
from shared.events.envelope import WEBHOOK_ENDPOINT_CHANGED, EventEnvelope
from shared.events.outbox import OUTBOX
from tests.e2e.conftest import Account, Session

pytestmark = pytest.mark.e2e

# Nothing listens there: the endpoints are changed, never delivered to.
UNREACHABLE = "http://127.0.0.1:9/hooks"


def _entries(gateway: httpx.Client, owner: Session, merchant_id: str) -> list[dict[str, Any]]:
    answer = gateway.get(
        f"/api/v1/merchants/{merchant_id}/audit-logs",
        params={"limit": 100},
        headers=owner.headers(),
    )
    assert answer.status_code == 200, answer.text
    return [e for e in answer.json()["data"] if e["action"].startswith("webhook_endpoint.")]


async def test_endpoint_changes_are_audited_once_with_their_actor(
    gateway: httpx.Client,
    owner: Session,
    account: Account,
    profile: Profile,
    mongo_client: AsyncMongoClient[dict],
) -> None:
    key = create_key(gateway, account.merchant)
    by_key = {**bearer(str(key["secret"]))}
    by_owner = owner.headers(account.merchant_id)

    def sent(method: str, path: str, headers: dict[str, str], **body: Any) -> dict[str, Any]:
        answer = gateway.request(
            method,
            f"/api/v1/webhooks/endpoints{path}",
            json=body or None,
            headers={**headers, "Idempotency-Key": secrets.token_hex(8)},
        )
        assert answer.status_code in (200, 201, 204), answer.text
        return dict(answer.json()) if answer.content else {}

    created = sent("POST", "", by_key, url=UNREACHABLE, enabledEvents=["payment.*"])
    endpoint = created["id"]
    sent("PATCH", f"/{endpoint}", by_owner, enabled=False, enabledEvents=["refund.issued"])
    sent("POST", f"/{endpoint}/rotate-secret", by_key)
    sent("PATCH", f"/{endpoint}", by_key, verification="challenge")
    sent("POST", f"/{endpoint}/verify", by_owner)
    sent("DELETE", f"/{endpoint}", by_key)

    async def all_audited() -> list[dict[str, Any]]:
        found = _entries(gateway, owner, account.merchant_id)
        return found if len(found) == 6 else []

    entries = list(reversed(await eventually(all_audited, what="six endpoint entries")))
    assert [(e["action"], e["actor"]["type"]) for e in entries] == [
        ("webhook_endpoint.created", "api_key"),
        ("webhook_endpoint.updated", "user"),
        ("webhook_endpoint.secret_rotated", "api_key"),
        ("webhook_endpoint.updated", "api_key"),
        ("webhook_endpoint.verification_requested", "user"),
        ("webhook_endpoint.deleted", "api_key"),
    ]
    assert {e["actor"]["keyId"] for e in entries if e["actor"]["type"] == "api_key"} == {key["id"]}
    assert {e["actor"]["userId"] for e in entries if e["actor"]["type"] == "user"} == {
        owner.user_id
    }
    assert {e["target"]["endpointId"] for e in entries} == {endpoint}
    assert entries[0]["target"]["url"] == UNREACHABLE
    assert entries[1]["target"]["changed"] == {"enabled": False, "enabledEvents": ["refund.issued"]}
    # The log names what changed and never a secret.
    assert created["secret"] not in str(entries)

    # Kafka delivers the creation twice more; a later change on the same partition marks the
    # point the consumer has passed.
    webhooks_db = mongo_client[f"{profile.db_prefix}_webhooks"]
    reported = await webhooks_db[OUTBOX].find_one(
        {"envelope.type": WEBHOOK_ENDPOINT_CHANGED, "envelope.data.endpointId": endpoint},
        sort=[("order", 1)],
    )
    assert reported is not None
    again = EventEnvelope.model_validate(reported["envelope"])
    producer = AIOKafkaProducer(bootstrap_servers=profile.kafka_bootstrap)
    await producer.start()
    try:
        for _ in range(2):
            await producer.send_and_wait(
                again.topic, again.to_bytes(), key=account.merchant_id.encode()
            )
    finally:
        await producer.stop()
    sent("POST", "", by_key, url=UNREACHABLE, enabledEvents=["*"])

    async def sentinel_audited() -> list[dict[str, Any]]:
        found = _entries(gateway, owner, account.merchant_id)
        return found if len(found) >= 7 else []

    after = await eventually(sentinel_audited, what="the later change")
    assert [e["action"] for e in after].count("webhook_endpoint.created") == 2
    assert len(after) == 7
    verified = gateway.get(
        f"/api/v1/merchants/{account.merchant_id}/audit-logs/verify", headers=owner.headers()
    )
    assert verified.json()["valid"] is True
