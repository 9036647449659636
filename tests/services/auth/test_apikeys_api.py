"""API keys: shown once, stored as a hash, live only for verified merchants and people,
rotated with a grace period, revoked at once, limited to allow-listed addresses, and resolved
for the gateway."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from devstack.waiting import wait_until
from tests.services.auth.test_merchants_factories import (
    User,
    auth_service,
    create_key,
    create_merchant,
    create_project,
    created,
    error_code,
    join,
    ok,
    resolve,
    verify_merchant,
)

KEY = re.compile(r"^(sk|pk)_(test|live)_[A-Za-z0-9]{32}$")


def _project(url: str) -> tuple[User, dict, dict]:
    owner = User(url)
    merchant = create_merchant(owner)
    return owner, merchant, create_project(owner, merchant["id"])


def test_a_new_key_is_shown_once_and_listed_by_prefix_and_last_four(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owner, _, project = _project(url)
        secret = create_key(owner, project["id"], type="secret", mode="test", name="Server")
        publishable = create_key(owner, project["id"], type="publishable", mode="test")
        listed = owner.get(f"/api/v1/projects/{project['id']}/api-keys")
    assert KEY.match(secret["secret"]) and secret["secret"].startswith("sk_test_")
    assert publishable["secret"].startswith("pk_test_")
    assert secret["id"].startswith("key_")
    assert (secret["prefix"], secret["last4"]) == ("sk_test_", secret["secret"][-4:])
    assert (secret["status"], secret["expiresAt"], secret["lastUsedAt"]) == ("active", None, None)
    body = listed.json()
    assert secret["secret"] not in listed.text and publishable["secret"] not in listed.text
    assert [k["id"] for k in body["data"]] == [publishable["id"], secret["id"]]  # newest first
    first = body["data"][1]
    assert "secret" not in first
    assert (first["name"], first["prefix"], first["last4"]) == (
        "Server",
        "sk_test_",
        secret["last4"],
    )


def test_resolving_a_key_names_its_merchant_project_mode_and_plan(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owner, merchant, project = _project(url)
        key = create_key(owner, project["id"], type="publishable", mode="test")
        resolved = ok(resolve(url, key["secret"]))
        unknown = resolve(url, "sk_test_" + "A" * 32)
        malformed = resolve(url, "not-a-key")
    assert resolved == {
        "keyId": key["id"],
        "merchantId": merchant["id"],
        "projectId": project["id"],
        "mode": "test",
        "type": "publishable",
        "ipAllowlist": [],
        "plan": "standard",
        "expiresAt": None,
    }
    assert error_code(unknown) == (404, "api_key_unknown")
    assert error_code(malformed) == (404, "api_key_unknown")


def test_live_keys_need_a_verified_merchant_and_a_verified_email(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owner = User(url, email_verified=False)
        merchant = create_merchant(owner)
        project = create_project(owner, merchant["id"])
        path = f"/api/v1/projects/{project['id']}/api-keys"
        live = {"type": "secret", "mode": "live"}
        before_verification = owner.post(path, live)
        verify_merchant(url, merchant["id"])
        by_unverified_email = owner.post(path, live)
        test_key = create_key(owner, project["id"], type="secret", mode="test")
        key = create_key(owner.after_verifying_email(), project["id"], **live)
        resolved = ok(resolve(url, key["secret"]))
        test_resolved = ok(resolve(url, test_key["secret"]))
    assert error_code(before_verification) == (403, "merchant_not_verified")
    assert error_code(by_unverified_email) == (403, "email_not_verified")
    assert key["secret"].startswith("sk_live_") and key["mode"] == "live"
    assert resolved["mode"] == "live"
    # Test keys need neither, and stay test keys: the mode is part of the key.
    assert test_key["secret"].startswith("sk_test_")
    assert test_resolved["mode"] == "test"


def test_viewers_cannot_create_or_manage_keys_but_see_them(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owner, merchant, project = _project(url)
        viewer = User(url)
        join(owner, merchant["id"], viewer, profile, "viewer")
        key = create_key(owner, project["id"])
        create = viewer.post(
            f"/api/v1/projects/{project['id']}/api-keys", {"type": "secret", "mode": "test"}
        )
        rotate = viewer.post(f"/api/v1/api-keys/{key['id']}/rotate", {})
        revoke = viewer.post(f"/api/v1/api-keys/{key['id']}/revoke")
        rename = viewer.patch(f"/api/v1/api-keys/{key['id']}", {"name": "mine"})
        listed = ok(viewer.get(f"/api/v1/projects/{project['id']}/api-keys"))
        outsider = User(url)
        outsider_list = outsider.get(f"/api/v1/projects/{project['id']}/api-keys")
        outsider_revoke = outsider.post(f"/api/v1/api-keys/{key['id']}/revoke")
        still_works = resolve(url, key["secret"])
    for refused in (create, rotate, revoke, rename):
        assert error_code(refused) == (403, "role_required")
    assert [k["id"] for k in listed["data"]] == [key["id"]]
    assert outsider_list.status_code == 404 and outsider_revoke.status_code == 404
    assert still_works.status_code == 200


def test_a_revoked_key_stops_working_at_once(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owner, _, project = _project(url)
        key = create_key(owner, project["id"])
        ok(resolve(url, key["secret"]))
        revoked = ok(owner.post(f"/api/v1/api-keys/{key['id']}/revoke"))
        after = resolve(url, key["secret"])
        rotate_revoked = owner.post(f"/api/v1/api-keys/{key['id']}/rotate", {})
        listed = ok(owner.get(f"/api/v1/projects/{project['id']}/api-keys"))
    assert revoked["status"] == "revoked"
    assert error_code(after) == (404, "api_key_unknown")
    assert error_code(rotate_revoked) == (409, "api_key_not_active")
    assert listed["data"][0]["status"] == "revoked"


def test_a_rotated_key_works_until_its_grace_period_ends(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owner, _, project = _project(url)
        old = create_key(owner, project["id"], name="Server", ipAllowlist=["203.0.113.0/24"])
        new = created(owner.post(f"/api/v1/api-keys/{old['id']}/rotate", {"gracePeriodSeconds": 3}))
        old_during_grace = ok(resolve(url, old["secret"]))
        new_resolved = ok(resolve(url, new["secret"]))
        listed_during = ok(owner.get(f"/api/v1/projects/{project['id']}/api-keys"))["data"]
        rotate_again = owner.post(f"/api/v1/api-keys/{old['id']}/rotate", {})
        wait_until(
            lambda: resolve(url, old["secret"]).status_code == 404,
            timeout=15,
            what="the old key to stop after its grace period",
        )
        new_after = resolve(url, new["secret"])
        listed_after = ok(owner.get(f"/api/v1/projects/{project['id']}/api-keys"))["data"]
    assert new["secret"] != old["secret"] and new["id"] != old["id"]
    assert (new["name"], new["ipAllowlist"], new["replaces"]) == (
        "Server",
        ["203.0.113.0/24"],
        old["id"],
    )
    assert old_during_grace["keyId"] == old["id"] and old_during_grace["expiresAt"]
    assert new_resolved["keyId"] == new["id"] and new_resolved["expiresAt"] is None
    status = {k["id"]: k["status"] for k in listed_during}
    assert status == {old["id"]: "expiring", new["id"]: "active"}
    assert error_code(rotate_again) == (409, "api_key_not_active")
    assert new_after.status_code == 200
    assert {k["id"]: k["status"] for k in listed_after}[old["id"]] == "revoked"


def test_rotation_grace_is_bounded_by_the_platform(serve, profile) -> None:
    with auth_service(serve, profile, max_key_rotation_grace_seconds=3600) as url:
        owner, _, project = _project(url)
        key = create_key(owner, project["id"])
        too_long = owner.post(f"/api/v1/api-keys/{key['id']}/rotate", {"gracePeriodSeconds": 3601})
        negative = owner.post(f"/api/v1/api-keys/{key['id']}/rotate", {"gracePeriodSeconds": -1})
        as_text = owner.post(f"/api/v1/api-keys/{key['id']}/rotate", {"gracePeriodSeconds": "60"})
        still_active = ok(resolve(url, key["secret"]))
        immediate = owner.post(f"/api/v1/api-keys/{key['id']}/rotate", {"gracePeriodSeconds": 0})
        old_after = resolve(url, key["secret"])
        capped = create_key(owner, project["id"])
        by_default = created(owner.post(f"/api/v1/api-keys/{capped['id']}/rotate"))
        capped_expiry = ok(resolve(url, capped["secret"]))["expiresAt"]
    assert error_code(too_long) == (400, "grace_period_too_long")
    assert error_code(negative) == (400, "parameter_invalid")
    assert error_code(as_text) == (400, "parameter_invalid")
    assert still_active["expiresAt"] is None
    assert immediate.status_code == 201
    assert error_code(old_after) == (404, "api_key_unknown")
    # Without a grace period given, the longest allowed when that is under a day.
    left = datetime.fromisoformat(capped_expiry) - datetime.fromisoformat(by_default["createdAt"])
    assert timedelta(seconds=3590) < left <= timedelta(seconds=3600)


def test_rotation_grace_defaults_to_a_day(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owner, _, project = _project(url)
        key = create_key(owner, project["id"])
        new = created(owner.post(f"/api/v1/api-keys/{key['id']}/rotate"))
        old = ok(resolve(url, key["secret"]))
    left = datetime.fromisoformat(old["expiresAt"]) - datetime.fromisoformat(new["createdAt"])
    assert timedelta(hours=24) - timedelta(seconds=10) < left <= timedelta(hours=24)


def test_the_ip_allowlist_is_validated_and_handed_to_the_gateway(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owner, _, project = _project(url)
        path = f"/api/v1/projects/{project['id']}/api-keys"
        bad = owner.post(
            path, {"type": "secret", "mode": "test", "ipAllowlist": ["10.0.0.0/8", "10.0.0.300"]}
        )
        key = create_key(owner, project["id"], ipAllowlist=["198.51.100.7", "2001:db8::/32"])
        resolved = ok(resolve(url, key["secret"]))
        updated = ok(owner.patch(f"/api/v1/api-keys/{key['id']}", {"ipAllowlist": ["10.1.2.0/24"]}))
        bad_update = owner.patch(f"/api/v1/api-keys/{key['id']}", {"ipAllowlist": ["nope"]})
        resolved_after = ok(resolve(url, key["secret"]))
        renamed = ok(owner.patch(f"/api/v1/api-keys/{key['id']}", {"name": "Batch jobs"}))
    assert error_code(bad) == (400, "parameter_invalid")
    assert bad.json()["error"]["param"] == "ipAllowlist.1"
    assert key["ipAllowlist"] == ["198.51.100.7/32", "2001:db8::/32"]
    assert resolved["ipAllowlist"] == ["198.51.100.7/32", "2001:db8::/32"]
    assert updated["ipAllowlist"] == ["10.1.2.0/24"]
    assert bad_update.status_code == 400
    assert resolved_after["ipAllowlist"] == ["10.1.2.0/24"]
    assert (renamed["name"], renamed["ipAllowlist"]) == ("Batch jobs", ["10.1.2.0/24"])


def test_resolving_records_when_a_key_was_last_used_at_most_once_a_minute(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owner, _, project = _project(url)
        key = create_key(owner, project["id"])
        unused = create_key(owner, project["id"])

        def last_used() -> dict[str, str | None]:
            listed = ok(owner.get(f"/api/v1/projects/{project['id']}/api-keys"))["data"]
            return {k["id"]: k["lastUsedAt"] for k in listed}

        ok(resolve(url, key["secret"]))
        first = wait_until(lambda: last_used()[key["id"]], what="lastUsedAt to be recorded")
        ok(resolve(url, key["secret"]))
        after_second_use = last_used()
    assert first is not None
    # Within the minute, another use is not written again.
    assert after_second_use == {key["id"]: first, unused["id"]: None}


def test_concurrent_rotations_of_one_key_make_one_replacement(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owner, _, project = _project(url)
        key = create_key(owner, project["id"])

        def rotate(_: int) -> int:
            path = f"/api/v1/api-keys/{key['id']}/rotate"
            return owner.post(path, {"gracePeriodSeconds": 60}).status_code

        with ThreadPoolExecutor(max_workers=4) as pool:
            answers = sorted(pool.map(rotate, range(4)))
        listed = ok(owner.get(f"/api/v1/projects/{project['id']}/api-keys"))
    assert answers == [201, 409, 409, 409]
    assert listed["total"] == 2
