"""Endpoints: create, read, list, change, delete; who may; what is refused."""

from __future__ import annotations

import secrets

import pytest

from devstack.profile import Profile
from shared.ids import new_id
from tests.callers import member, publishable_key, secret_key
from tests.services.webhooks.conftest import ENDPOINTS, Service, error_of, running

pytestmark = pytest.mark.infra

URL = "http://127.0.0.1:9/hooks"


def test_a_created_endpoint_shows_its_secret_once(webhooks: Service) -> None:
    api = webhooks.api()
    created = api.create_endpoint(
        URL, enabledEvents=["payment.completed", "refund.*"], description="orders"
    )
    fetched = api.endpoint(created["id"])
    listed = api.ok(api.get(ENDPOINTS))
    assert created["id"].startswith("we_")
    assert created["secret"].startswith("whsec_")
    assert (created["url"], created["mode"], created["enabled"]) == (URL, "test", True)
    assert created["enabledEvents"] == ["payment.completed", "refund.*"]
    assert created["description"] == "orders"
    assert "secret" not in fetched
    assert fetched == {k: v for k, v in created.items() if k != "secret"}
    assert [e["id"] for e in listed["data"]] == [created["id"]]
    assert created["secret"] not in api.get(ENDPOINTS).text
    assert created["secret"] not in api.get(f"{ENDPOINTS}/{created['id']}").text
    stored = webhooks.db["endpoints"].find_one({"_id": created["id"]})
    assert stored is not None and stored["secrets"]
    assert created["secret"] not in str(stored)


def test_every_event_is_the_default_filter(webhooks: Service) -> None:
    created = webhooks.api().create_endpoint(URL)
    assert created["enabledEvents"] == ["*"]


def test_lists_page_oldest_first_and_filter_by_project(webhooks: Service) -> None:
    api = webhooks.api()
    made = [
        api.create_endpoint(f"{URL}/{n}", projectId="prj_a" if n < 2 else "prj_b") for n in range(3)
    ]
    first = api.ok(api.get(ENDPOINTS, params={"limit": 2}))
    second = api.ok(api.get(ENDPOINTS, params={"limit": 2, "page": 2}))
    of_a = api.ok(api.get(ENDPOINTS, params={"projectId": "prj_a"}))
    assert [e["id"] for e in first["data"] + second["data"]] == [e["id"] for e in made]
    assert (first["total"], first["hasMore"], second["hasMore"]) == (3, True, False)
    assert [e["id"] for e in of_a["data"]] == [made[0]["id"], made[1]["id"]]
    assert of_a["total"] == 2


def test_an_api_keys_project_is_the_default_project(webhooks: Service) -> None:
    caller = secret_key(webhooks.merchant_id).model_copy(update={"project_id": "prj_key"})
    created = webhooks.api(caller).create_endpoint(URL)
    assert created["projectId"] == "prj_key"


def test_patch_changes_url_events_description_and_enabled(webhooks: Service) -> None:
    api = webhooks.api()
    endpoint = api.create_endpoint(URL, description="old")
    path = f"{ENDPOINTS}/{endpoint['id']}"
    changed = api.ok(
        api.patch(
            path,
            {
                "url": "http://127.0.0.1:9/other",
                "enabledEvents": ["payment.failed"],
                "description": None,
            },
        )
    )
    disabled = api.ok(api.patch(path, {"enabled": False}))
    enabled = api.ok(api.patch(path, {"enabled": True}))
    assert (changed["url"], changed["enabledEvents"], changed["description"]) == (
        "http://127.0.0.1:9/other",
        ["payment.failed"],
        None,
    )
    assert (disabled["enabled"], disabled["disabledReason"]) == (False, "by_merchant")
    assert disabled["disabledAt"] is not None
    assert (enabled["enabled"], enabled["disabledReason"], enabled["disabledAt"]) == (
        True,
        None,
        None,
    )
    assert api.endpoint(endpoint["id"]) == enabled


def test_an_empty_patch_is_refused(webhooks: Service) -> None:
    api = webhooks.api()
    endpoint = api.create_endpoint(URL)
    assert api.patch(f"{ENDPOINTS}/{endpoint['id']}", {}).status_code == 400


def test_a_deleted_endpoint_is_gone(webhooks: Service) -> None:
    api = webhooks.api()
    endpoint = api.create_endpoint(URL)
    path = f"{ENDPOINTS}/{endpoint['id']}"
    deleted = api.delete(path)
    assert deleted.status_code == 204 and deleted.content == b""
    assert error_of(api.get(path)) == (404, "resource_missing")
    assert error_of(api.delete(path)) == (404, "resource_missing")
    assert api.ok(api.get(ENDPOINTS))["data"] == []


def test_test_mode_endpoints_are_invisible_to_live_mode_and_other_merchants(
    webhooks: Service,
) -> None:
    api = webhooks.api()
    endpoint = api.create_endpoint(URL)
    path = f"{ENDPOINTS}/{endpoint['id']}"
    for stranger in (webhooks.live(), api.as_(secret_key(new_id("mer")))):
        assert error_of(stranger.get(path)) == (404, "resource_missing")
        assert error_of(stranger.patch(path, {"enabled": False})) == (404, "resource_missing")
        assert error_of(stranger.post(f"{path}/rotate-secret")) == (404, "resource_missing")
        assert error_of(stranger.post(f"{path}/test")) == (404, "resource_missing")
        assert error_of(stranger.delete(path)) == (404, "resource_missing")
        assert stranger.ok(stranger.get(ENDPOINTS))["data"] == []
    assert api.endpoint(endpoint["id"])["enabled"] is True


def test_viewers_read_but_do_not_change(webhooks: Service) -> None:
    api = webhooks.api()
    endpoint = api.create_endpoint(URL)
    path = f"{ENDPOINTS}/{endpoint['id']}"
    viewer = api.as_(member(webhooks.merchant_id, "viewer"))
    developer = api.as_(member(webhooks.merchant_id, "developer"))
    assert viewer.endpoint(endpoint["id"])["id"] == endpoint["id"]
    assert viewer.ok(viewer.get("/api/v1/webhooks/messages"))["data"] == []
    assert error_of(viewer.post(ENDPOINTS, {"url": URL})) == (403, "permission_denied")
    assert error_of(viewer.patch(path, {"enabled": False})) == (403, "permission_denied")
    assert error_of(viewer.delete(path)) == (403, "permission_denied")
    assert error_of(viewer.post(f"{path}/rotate-secret")) == (403, "permission_denied")
    assert error_of(viewer.post(f"{path}/test")) == (403, "permission_denied")
    assert api.endpoint(endpoint["id"])["enabled"] is True
    assert developer.create_endpoint(URL)["id"]


def test_publishable_keys_are_refused(webhooks: Service) -> None:
    api = webhooks.api(publishable_key(webhooks.merchant_id))
    assert error_of(api.get(ENDPOINTS)) == (403, "permission_denied")
    assert error_of(api.post(ENDPOINTS, {"url": URL})) == (403, "permission_denied")


@pytest.mark.parametrize(
    ("body", "status", "code", "param"),
    [
        ({"url": URL, "enabledEvents": ["payment.exploded"]}, 400, "unknown_event_type", None),
        ({"url": URL, "enabledEvents": ["wallet.*"]}, 400, "unknown_event_type", None),
        ({"url": "not a url"}, 400, "url_invalid", "url"),
        ({"url": "ftp://127.0.0.1/hooks"}, 400, "url_invalid", "url"),
        ({"url": URL, "secret": "whsec_mine"}, 400, "parameter_invalid", "secret"),
        ({"url": URL, "enabledEvents": []}, 400, "parameter_invalid", "enabledEvents"),
        ({}, 400, "parameter_missing", "url"),
    ],
)
def test_bad_input_is_refused_and_saves_nothing(
    webhooks: Service, body: dict[str, object], status: int, code: str, param: str | None
) -> None:
    api = webhooks.api()
    response = api.post(ENDPOINTS, body)
    error = response.json()["error"]
    assert (response.status_code, error["code"]) == (status, code)
    assert error["type"] and error["message"]
    if param is not None:
        assert error["param"] == param
    assert api.ok(api.get(ENDPOINTS))["total"] == 0


def test_an_unknown_event_type_names_the_parameter(webhooks: Service) -> None:
    response = webhooks.api().post(ENDPOINTS, {"url": URL, "enabledEvents": ["payment.nope"]})
    assert response.json()["error"]["param"] == "enabledEvents"
    assert "payment.nope" in response.json()["error"]["message"]


def test_a_bad_patch_changes_nothing(webhooks: Service) -> None:
    api = webhooks.api()
    endpoint = api.create_endpoint(URL)
    path = f"{ENDPOINTS}/{endpoint['id']}"
    refused = api.patch(path, {"url": "http://127.0.0.1:9/new", "enabledEvents": ["nope"]})
    assert error_of(refused) == (400, "unknown_event_type")
    assert api.endpoint(endpoint["id"])["url"] == URL


def test_a_merchant_has_a_limited_number_of_endpoints_per_mode(profile: Profile) -> None:
    with running(profile, endpoints_per_merchant=2) as webhooks:
        api = webhooks.api()
        api.create_endpoint(URL)
        api.create_endpoint(URL)
        refused = api.post(ENDPOINTS, {"url": URL})
        live = webhooks.live().post(ENDPOINTS, {"url": "https://hooks.example.com/x"})
        assert error_of(refused) == (409, "too_many_endpoints")
        assert api.ok(api.get(ENDPOINTS))["total"] == 2
        assert live.status_code == 201, live.text


def test_an_idempotency_key_replays_the_same_endpoint(webhooks: Service) -> None:
    api = webhooks.api()
    key = secrets.token_hex(8)
    first = api.post(ENDPOINTS, {"url": URL}, headers={"Idempotency-Key": key})
    again = api.post(ENDPOINTS, {"url": URL}, headers={"Idempotency-Key": key})
    other_body = api.post(ENDPOINTS, {"url": f"{URL}/2"}, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert error_of(other_body) == (409, "idempotency_key_reused")
    assert api.ok(api.get(ENDPOINTS))["total"] == 1


def test_no_collection_keeps_a_secret_in_the_clear(webhooks: Service) -> None:
    """Secrets are sealed at rest, a replayable create included."""
    api = webhooks.api()
    plain = api.create_endpoint(URL)
    keyed = api.post(ENDPOINTS, {"url": URL}, headers={"Idempotency-Key": secrets.token_hex(8)})
    rotated = api.ok(api.post(f"{ENDPOINTS}/{plain['id']}/rotate-secret"))
    stored = "".join(
        str(list(webhooks.db[name].find())) for name in webhooks.db.list_collection_names()
    )
    for secret in (plain["secret"], keyed.json()["secret"], rotated["secret"]):
        assert secret.removeprefix("whsec_") not in stored
