"""Retention: old events, finished messages and attempts go; pending messages stay."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pytest
from pymongo import AsyncMongoClient

from devstack.profile import Profile
from services.webhooks.store import WebhookStore

pytestmark = pytest.mark.infra


async def test_purge_keeps_recent_data_and_pending_messages(
    mongo_client: AsyncMongoClient[dict], profile: Profile
) -> None:
    name = f"{profile.db_prefix}svc{secrets.token_hex(4)}_webhooks"
    db = mongo_client[name]
    store = WebhookStore(db)
    now = datetime.now(UTC)
    old, recent = now - timedelta(days=40), now - timedelta(days=1)
    try:
        for event_id, at in (("evt_old", old), ("evt_new", recent)):
            await store.remember_event({"_id": event_id, "occurredAt": at})
        for message_id, at, status in (
            ("msg_old_done", old, "delivered"),
            ("msg_old_waiting", old, "pending"),
            ("msg_new_done", recent, "failed"),
        ):
            await store.insert_message({"_id": message_id, "createdAt": at, "status": status})
        for attempt_id, at in (("wa_old", old), ("wa_new", recent)):
            await store.claim_attempt({"_id": attempt_id, "startedAt": at})

        await store.purge(now - timedelta(days=30))

        assert await db.events.distinct("_id") == ["evt_new"]
        assert sorted(await db.messages.distinct("_id")) == ["msg_new_done", "msg_old_waiting"]
        assert await db.attempts.distinct("_id") == ["wa_new"]
    finally:
        await mongo_client.drop_database(name)
