"""Idempotency-Key on POST routes, on the real local store."""

from __future__ import annotations

import asyncio
import itertools
import secrets
from typing import Any

import httpx
import pymongo
import pytest
from fastapi import APIRouter, Body, FastAPI
from fastapi.responses import JSONResponse

from shared.app import ServiceDefinition, create_service_app
from shared.idempotency import IdempotentRoute
from shared.identity import Caller
from shared.settings import BaseServiceSettings
from tests.signing import AsGateway

pytestmark = pytest.mark.infra

MERCHANT = Caller(
    kind="api_key",
    merchant_id="mer_a",
    key_id="key_a",
    key_type="secret",
    mode="test",
    ip="198.51.100.1",
)
OTHER_MERCHANT = MERCHANT.model_copy(update={"merchant_id": "mer_b"})
runs = itertools.count(1)


def build_app(settings: BaseServiceSettings) -> FastAPI:
    router = APIRouter(route_class=IdempotentRoute)

    @router.post("/api/v1/things", status_code=201)
    async def create(body: dict[str, Any] = Body()) -> dict[str, Any]:  # noqa: B008
        if body.get("slow"):
            await asyncio.sleep(0.5)  # keeps the request in flight while others arrive
        return {"run": next(runs), "body": body}

    @router.post("/api/v1/broken")
    async def broken() -> JSONResponse:
        return JSONResponse({"run": next(runs)}, status_code=503)

    return create_service_app(ServiceDefinition("things", "things", routers=[router]), settings)


def post(url: str, body: dict, key: str | None, caller: Caller = MERCHANT) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key else {}
    return httpx.post(f"{url}/api/v1/things", json=body, headers=headers, auth=AsGateway(caller))


def test_same_key_and_body_replays_the_first_response(serve) -> None:
    key = secrets.token_hex(8)
    with serve(build_app) as url:
        first = post(url, {"amount": 100}, key)
        again = post(url, {"amount": 100}, key)
        fresh = post(url, {"amount": 100}, None)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()  # the handler did not run again
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert fresh.json()["run"] != first.json()["run"]


def test_same_key_with_another_body_is_refused(serve) -> None:
    key = secrets.token_hex(8)
    with serve(build_app) as url:
        post(url, {"amount": 100}, key)
        reused = post(url, {"amount": 999}, key)
    assert reused.status_code == 409
    assert reused.json()["error"]["code"] == "idempotency_key_reused"


@pytest.mark.parametrize(
    ("first", "now", "said"),
    [
        (
            {"amount": 1000, "currency": "INR", "orderId": "o-1"},
            {"amount": 2000, "currency": "INR", "orderId": "o-1"},
            "amount differs (first 1000, now 2000)",
        ),
        (
            {"amount": 1000, "currency": "INR", "orderId": "o-1"},
            {"amount": 1000, "currency": "USD", "orderId": "o-2", "description": "tea"},
            "currency differs (first INR, now USD); orderId differs; "
            "description was not in the first request",
        ),
        (
            {"amount": 1000, "note": "gift"},
            {"amount": 1000},
            "note is missing",
        ),
        # Values only of plain fields: a card, a secret or free text is named, never shown.
        (
            {"card": {"number": "4242424242424242"}, "secret": "whsec_one"},
            {"card": {"number": "4000000000000002"}, "secret": "whsec_two"},
            "card differs; secret differs",
        ),
        (
            {"amount": 1000, "currency": "INR"},
            {"currency": "INR", "amount": 1000, "slow": False},
            "slow was not in the first request",
        ),
    ],
)
def test_a_reused_key_names_what_differs_from_the_first_request(
    serve, first: dict, now: dict, said: str
) -> None:
    key = secrets.token_hex(8)
    with serve(build_app) as url:
        assert post(url, first, key).status_code == 201
        reused = post(url, now, key)
    assert reused.status_code == 409
    error = reused.json()["error"]
    assert error["code"] == "idempotency_key_reused"
    assert error["message"] == f"This Idempotency-Key was used with a different request: {said}."
    assert "4242" not in error["message"] and "whsec_" not in error["message"]


def test_a_reused_key_on_another_route_or_with_a_body_that_is_no_object_says_so(serve) -> None:
    key, other_key = secrets.token_hex(8), secrets.token_hex(8)
    with serve(build_app) as url:
        post(url, {"amount": 1}, key)
        elsewhere = httpx.post(
            f"{url}/api/v1/broken", headers={"Idempotency-Key": key}, auth=AsGateway(MERCHANT)
        )
        post(url, {"amount": 1}, other_key)
        listed = httpx.post(
            f"{url}/api/v1/things",
            json=[1],
            headers={"Idempotency-Key": other_key},
            auth=AsGateway(MERCHANT),
        )
    prefix = "This Idempotency-Key was used with a different request: "
    assert elsewhere.json()["error"]["message"] == f"{prefix}it was sent to POST /api/v1/things."
    assert listed.json()["error"]["message"] == f"{prefix}the body differs."


def test_keys_belong_to_their_caller(serve) -> None:
    key = secrets.token_hex(8)
    with serve(build_app) as url:
        mine = post(url, {"amount": 1}, key)
        theirs = post(url, {"amount": 2}, key, caller=OTHER_MERCHANT)
    assert theirs.status_code == 201
    assert theirs.json()["run"] != mine.json()["run"]


async def test_concurrent_requests_with_one_key_run_once(serve) -> None:
    key = secrets.token_hex(8)
    with serve(build_app) as url:
        async with httpx.AsyncClient(auth=AsGateway(MERCHANT)) as client:
            responses = await asyncio.gather(
                *(
                    client.post(
                        f"{url}/api/v1/things",
                        json={"slow": True},
                        headers={"Idempotency-Key": key},
                    )
                    for _ in range(8)
                )
            )
            settled = await client.post(
                f"{url}/api/v1/things", json={"slow": True}, headers={"Idempotency-Key": key}
            )
    created = [r for r in responses if r.status_code == 201]
    in_use = [r for r in responses if r.status_code == 409]
    assert len(created) == 1
    assert len(in_use) == 7
    assert {r.json()["error"]["code"] for r in in_use} == {"idempotency_key_in_use"}
    assert settled.json() == created[0].json()


def test_server_errors_release_the_key_for_a_retry(serve) -> None:
    key = secrets.token_hex(8)
    with serve(build_app) as url:
        send = lambda: httpx.post(  # noqa: E731
            f"{url}/api/v1/broken", headers={"Idempotency-Key": key}, auth=AsGateway(MERCHANT)
        )
        first, retry = send(), send()
    assert first.status_code == retry.status_code == 503
    assert retry.json()["run"] != first.json()["run"]


@pytest.mark.parametrize("key", ["", "x" * 256, "has space"])
def test_malformed_keys_are_refused(serve, key: str) -> None:
    with serve(build_app) as url:
        response = httpx.post(
            f"{url}/api/v1/things",
            json={},
            headers={"Idempotency-Key": key},
            auth=AsGateway(MERCHANT),
        )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "Idempotency-Key"


def test_kept_responses_are_sealed_at_rest(serve, profile) -> None:
    """A first response may show a secret once; the replay shows it again, the database never."""
    marker = f"whsec_{secrets.token_hex(12)}"
    key = secrets.token_hex(8)
    with serve(build_app) as url, pymongo.MongoClient(profile.mongo_url) as client:
        first = post(url, {"secret": marker}, key)
        again = post(url, {"secret": marker}, key)
        kept = [
            doc
            for name in client.list_database_names()
            if name.startswith(f"{profile.db_prefix}svc") and name.endswith("_things")
            for doc in client[name]["idempotency_keys"].find()
        ]
    assert again.json() == first.json() and marker in again.text
    assert kept and all("status" in doc for doc in kept)
    assert not any(marker.encode() in repr(doc).encode() for doc in kept)
    # The summary a conflict reads is sealed too: not even a field name is readable.
    assert all(b"secret" not in repr(doc).encode() for doc in kept)
