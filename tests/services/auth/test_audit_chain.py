"""The audit log is a hash chain per merchant: appends racing keep one chain, and any edit,
deletion or reorder of a stored entry is reported at its position by the verify route."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pymongo.database
from pymongo import AsyncMongoClient

from devstack.profile import Profile
from services.auth.app import create_app
from services.auth.audit import service as audit
from services.auth.audit.chain import verify
from services.auth.audit.consumers import AuditReports
from services.auth.audit.store import AuditStore
from services.auth.settings import AuthSettings
from shared.events.envelope import PAYMENT_LINK_CREATED, PAYMENT_LINK_DEACTIVATED, REFUND_ISSUED
from shared.events.outbox import new_event
from shared.identity import Caller
from tests.servers import Served, on_own_database
from tests.services.auth.test_merchants_factories import User, create_merchant, create_project, ok
from tests.services.auth.test_users_helpers import auth_settings

PROJECTS = 4


@contextmanager
def auth_with_db(profile: Profile) -> Iterator[Served[AuthSettings]]:
    with on_own_database(
        profile, create_app, AuthSettings, "auth", **auth_settings(profile)
    ) as served:
        yield served


def merchant_with_entries(url: str) -> tuple[User, str]:
    """An owner and their merchant, whose chain holds 1 + PROJECTS entries."""
    owner = User(url)
    merchant_id = create_merchant(owner)["id"]
    for n in range(PROJECTS):
        create_project(owner, merchant_id, f"Shop {n}")
    return owner, merchant_id


def verified(owner: User, merchant_id: str) -> dict[str, Any]:
    return ok(owner.get(f"/api/v1/merchants/{merchant_id}/audit-logs/verify"))


def chain_of(db: pymongo.database.Database[dict[str, Any]], merchant_id: str) -> list[dict]:
    return list(db["audit_events"].find({"chain": merchant_id}).sort("seq", 1))


async def _append_directly(profile: Profile, db_name: str, merchant_id: str, count: int) -> None:
    """Appends from a second client, as another auth replica would."""
    client: AsyncMongoClient[dict] = AsyncMongoClient(profile.mongo_url, tz_aware=True)
    try:
        store = AuditStore(client[db_name])
        caller = Caller(kind="user", user_id="usr_replica", merchant_id=merchant_id)
        await asyncio.gather(
            *(
                audit.record(store, "project.created", caller=caller, target={"n": n})
                for n in range(count)
            )
        )
    finally:
        await client.close()


def test_appends_racing_from_two_replicas_make_one_unbroken_chain(profile: Profile) -> None:
    with auth_with_db(profile) as served:
        owner = User(served.url)
        merchant_id = create_merchant(owner)["id"]
        with ThreadPoolExecutor(max_workers=12) as pool:
            through_api = [
                pool.submit(create_project, owner, merchant_id, f"Shop {n}") for n in range(24)
            ]
            asyncio.run(_append_directly(profile, served.db.name, merchant_id, 24))
            for made in through_api:
                made.result()
        result = verified(owner, merchant_id)
        entries = chain_of(served.db, merchant_id)
    assert result == {"valid": True, "entries": 49, "brokenAt": None}
    assert [entry["seq"] for entry in entries] == list(range(1, 50))
    assert len({entry["hash"] for entry in entries}) == 49


def test_an_edited_field_is_reported_at_its_entry(profile: Profile) -> None:
    with auth_with_db(profile) as served:
        owner, merchant_id = merchant_with_entries(served.url)
        before = verified(owner, merchant_id)
        served.db["audit_events"].update_one(
            {"chain": merchant_id, "seq": 3}, {"$set": {"target.name": "Not what was created"}}
        )
        after = verified(owner, merchant_id)
    assert before == {"valid": True, "entries": 5, "brokenAt": None}
    assert after == {"valid": False, "entries": 2, "brokenAt": 3}


def test_an_edited_personal_field_is_reported_while_it_is_kept(profile: Profile) -> None:
    with auth_with_db(profile) as served:
        owner, merchant_id = merchant_with_entries(served.url)
        served.db["audit_events"].update_one(
            {"chain": merchant_id, "seq": 2}, {"$set": {"personal.ip": "203.0.113.9"}}
        )
        after = verified(owner, merchant_id)
    assert after == {"valid": False, "entries": 1, "brokenAt": 2}


def test_a_deleted_entry_is_reported_in_the_middle_and_at_the_end(profile: Profile) -> None:
    with auth_with_db(profile) as served:
        owner, middle = merchant_with_entries(served.url)
        other_owner, last = merchant_with_entries(served.url)
        served.db["audit_events"].delete_one({"chain": middle, "seq": 2})
        served.db["audit_events"].delete_one({"chain": last, "seq": 1 + PROJECTS})
        in_the_middle = verified(owner, middle)
        at_the_end = verified(other_owner, last)
    assert in_the_middle == {"valid": False, "entries": 1, "brokenAt": 2}
    assert at_the_end == {"valid": False, "entries": PROJECTS, "brokenAt": 1 + PROJECTS}


def test_two_swapped_entries_are_reported_at_the_first(profile: Profile) -> None:
    with auth_with_db(profile) as served:
        owner, merchant_id = merchant_with_entries(served.url)
        events = served.db["audit_events"]
        second, third = chain_of(served.db, merchant_id)[1:3]
        # Each takes the other's place: their contents change positions, ids and all.
        events.delete_many({"_id": {"$in": [second["_id"], third["_id"]]}})
        events.insert_many(
            [
                {**third, "seq": 2, "prevHash": second["prevHash"], "hash": second["hash"]},
                {**second, "seq": 3, "prevHash": third["prevHash"], "hash": third["hash"]},
            ]
        )
        after = verified(owner, merchant_id)
    assert after == {"valid": False, "entries": 1, "brokenAt": 2}


def test_the_export_is_the_chain_oldest_first_and_verifies_offline(profile: Profile) -> None:
    with auth_with_db(profile) as served:
        owner, merchant_id = merchant_with_entries(served.url)
        answer = owner.get(f"/api/v1/merchants/{merchant_id}/audit-logs/export")
        outsider = User(served.url).get(f"/api/v1/merchants/{merchant_id}/audit-logs/export")
        log = ok(owner.get(f"/api/v1/merchants/{merchant_id}/audit-logs"))
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in answer.text.splitlines()]
    # The export itself is audited, as the newest entry of the chain.
    assert [line["action"] for line in lines] == [
        "merchant.created",
        *["project.created"] * PROJECTS,
        "audit_log.exported",
    ]
    assert verify(lines).valid
    assert lines[0]["personal"]["email"] == owner.email
    assert log["data"][0]["seq"] == 6 and log["data"][0]["hash"] == lines[-1]["hash"]
    assert outsider.status_code == 404


async def test_a_refund_reported_twice_is_one_entry_naming_who_refunded(db) -> None:
    store = AuditStore(db)
    refund = new_event(
        REFUND_ISSUED,
        {"refundId": "re_1", "paymentId": "pay_1", "amount": 500, "currency": "INR"},
        producer="payments",
        merchant_id="mer_reported",
        event_id="evt_refund_1",
        actor={"type": "api_key", "id": "key_refunder"},
    )
    reports = AuditReports(store)
    await reports.handle(refund)
    await reports.handle(refund)  # Kafka delivers at least once
    entries = [entry async for entry in store.chain("mer_reported")]
    assert [(e["action"], e["seq"], e["actor"]["type"]) for e in entries] == [
        ("refund.created", 1, "api_key")
    ]
    assert entries[0]["actor"]["keyId"] == "key_refunder"
    assert entries[0]["target"]["amount"] == 500
    assert (await audit.verify_chain(store, "mer_reported")).valid


async def test_a_refund_reported_without_an_actor_is_the_payments_services(db) -> None:
    store = AuditStore(db)
    refund = new_event(
        REFUND_ISSUED,
        {"refundId": "re_2", "paymentId": "pay_2", "amount": 700, "currency": "INR"},
        producer="payments",
        merchant_id="mer_unnamed",
    )
    await AuditReports(store).handle(refund)
    entries = [entry async for entry in store.chain("mer_unnamed")]
    assert [(e["actor"]["type"], e["actor"]["keyId"]) for e in entries] == [("payments", None)]


async def test_a_payment_link_made_and_deactivated_is_audited_with_its_member(db) -> None:
    store = AuditStore(db)
    reports = AuditReports(store)
    member = {"type": "user", "id": "usr_linker"}
    for event_type in (PAYMENT_LINK_CREATED, PAYMENT_LINK_DEACTIVATED):
        data = {"paymentLinkId": "plink_1", "amount": 900, "currency": "INR", "mode": "test"}
        await reports.handle(
            new_event(
                event_type,
                data,
                producer="payments",
                merchant_id="mer_links",
                event_id=f"evt_{event_type}",
                actor=member,
            )
        )
    entries = [entry async for entry in store.chain("mer_links")]
    assert [(e["action"], e["actor"]["userId"]) for e in entries] == [
        ("payment_link.created", "usr_linker"),
        ("payment_link.deactivated", "usr_linker"),
    ]
    assert entries[0]["target"]["paymentLinkId"] == "plink_1"
    assert entries[0]["target"]["amount"] == 900
