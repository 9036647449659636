"""The merchant's audit log: what happened, by whom, from where; for owners only."""

from __future__ import annotations

from tests.services.auth.test_merchants_factories import (
    User,
    auth_service,
    create_key,
    create_merchant,
    create_project,
    error_code,
    join,
    ok,
    verify_merchant,
)


def test_owners_read_the_merchants_events_newest_first(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owner, dev = User(url), User(url)
        mid = create_merchant(owner, "Audited")["id"]
        other_mid = create_merchant(owner, "Someone else's")["id"]
        join(owner, mid, dev, profile, "developer")
        project = create_project(dev, mid)
        key = create_key(dev, project["id"])
        owner.patch(f"/api/v1/api-keys/{key['id']}", {"name": "Renamed"})
        rotated = owner.post(f"/api/v1/api-keys/{key['id']}/rotate", {"gracePeriodSeconds": 60})
        owner.post(f"/api/v1/api-keys/{rotated.json()['id']}/revoke")
        owner.patch(f"/api/v1/merchants/{mid}/members/{dev.id}", {"role": "viewer"})
        owner.delete(f"/api/v1/merchants/{mid}/members/{dev.id}")
        verify_merchant(url, mid)
        log = ok(owner.get(f"/api/v1/merchants/{mid}/audit-logs"))
        first_page = ok(owner.get(f"/api/v1/merchants/{mid}/audit-logs", params={"limit": 2}))
        keys_only = ok(
            owner.get(f"/api/v1/merchants/{mid}/audit-logs", params={"action": "api_key.created"})
        )
        other_log = ok(owner.get(f"/api/v1/merchants/{other_mid}/audit-logs"))
    actions = [event["action"] for event in log["data"]]
    assert actions == [
        "merchant.verified",
        "member.removed",
        "member.role_changed",
        "api_key.revoked",
        "api_key.rotated",
        "api_key.updated",
        "api_key.created",
        "project.created",
        "member.joined",
        "member.invited",
        "merchant.created",
    ]
    assert (log["total"], log["hasMore"]) == (11, False)
    assert [e["action"] for e in first_page["data"]] == actions[:2] and first_page["hasMore"]
    created = keys_only["data"][0]
    assert keys_only["total"] == 1
    assert created["actor"]["userId"] == dev.id and created["actor"]["email"] == dev.email
    assert created["target"]["keyId"] == key["id"] and created["ip"] == "198.51.100.20"
    assert created["requestId"].startswith("req_")
    assert key["secret"] not in str(log)
    role_change = log["data"][2]
    assert role_change["target"] == {"userId": dev.id, "from": "developer", "to": "viewer"}
    assert [e["action"] for e in other_log["data"]] == ["merchant.created"]


def test_only_owners_read_the_audit_log(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owner, dev = User(url), User(url)
        mid = create_merchant(owner)["id"]
        join(owner, mid, dev, profile, "developer")
        by_dev = dev.get(f"/api/v1/merchants/{mid}/audit-logs")
        by_outsider = User(url).get(f"/api/v1/merchants/{mid}/audit-logs")
        too_many = owner.get(f"/api/v1/merchants/{mid}/audit-logs", params={"limit": 101})
    assert error_code(by_dev) == (403, "role_required")
    assert error_code(by_outsider) == (404, "resource_missing")
    assert error_code(too_many) == (400, "parameter_invalid")
