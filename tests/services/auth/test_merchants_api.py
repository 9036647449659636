"""Merchants: creating one makes the caller its owner; only members see it; operators verify it."""

from __future__ import annotations

import httpx

from tests.services.auth.test_merchants_factories import (
    User,
    auth_service,
    create_merchant,
    error_code,
    ok,
)
from tests.signing import ANONYMOUS, AsGateway


def test_the_creator_becomes_owner_of_an_unverified_merchant(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owner = User(url)
        merchant = create_merchant(owner, "Chai Point", country="in", defaultCurrency="inr")
        fetched = ok(owner.get(f"/api/v1/merchants/{merchant['id']}"))
    assert merchant["id"].startswith("mer_")
    assert (merchant["country"], merchant["defaultCurrency"]) == ("IN", "INR")
    assert (merchant["status"], merchant["plan"], merchant["role"]) == (
        "unverified",
        "standard",
        "owner",
    )
    assert fetched == merchant


def test_a_merchant_is_invisible_to_non_members(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        merchant = create_merchant(User(url))
        stranger = User(url)
        theirs = stranger.get(f"/api/v1/merchants/{merchant['id']}")
        unknown = stranger.get("/api/v1/merchants/mer_0000000000000000000000")
    # Same answer as for a merchant that does not exist: existence is not revealed.
    assert error_code(theirs) == error_code(unknown) == (404, "resource_missing")


def test_listing_shows_only_the_callers_merchants_with_their_role(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        ana, ben = User(url), User(url)
        first = create_merchant(ana, "First")
        second = create_merchant(ana, "Second")
        create_merchant(ben, "Not Ana's")
        page = ok(ana.get("/api/v1/merchants", params={"limit": 1}))
        rest = ok(ana.get("/api/v1/merchants", params={"limit": 1, "page": 2}))
    assert (page["total"], page["page"], page["limit"], page["hasMore"]) == (2, 1, 1, True)
    assert rest["hasMore"] is False
    listed = page["data"] + rest["data"]
    assert {m["id"] for m in listed} == {first["id"], second["id"]}
    assert {m["role"] for m in listed} == {"owner"}


def test_invalid_merchant_fields_are_refused_with_the_field_named(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owner = User(url)
        good = {"name": "Chai Point", "country": "IN", "defaultCurrency": "INR"}
        answers = {
            field: owner.post("/api/v1/merchants", {**good, field: value})
            for field, value in [
                ("country", "XX"),
                ("defaultCurrency", "RUPEES"),
                ("name", "  "),
                ("plan", "enterprise"),
            ]
        }
        listed = ok(owner.get("/api/v1/merchants"))
    for field, response in answers.items():
        assert response.status_code == 400, field
        assert response.json()["error"]["param"] == field
    assert listed["total"] == 0


def test_only_gateway_signed_users_reach_merchant_routes(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        unsigned = httpx.post(f"{url}/api/v1/merchants", json={"name": "x"})
        anonymous = httpx.get(f"{url}/api/v1/merchants", auth=AsGateway(ANONYMOUS))
    assert error_code(unsigned) == (401, "invalid_internal_signature")
    assert anonymous.status_code == 401


def test_only_platform_operators_with_a_verified_email_verify_merchants(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owner = User(url)
        merchant = create_merchant(owner)
        path = f"/api/v1/admin/merchants/{merchant['id']}/verify"
        by_owner = owner.post(path)
        by_unverified_admin = User(url, platform_admin=True, email_verified=False).post(path)
        admin = User(url, platform_admin=True)
        verified = ok(admin.post(path))
        again = ok(admin.post(path))
        unknown = admin.post("/api/v1/admin/merchants/mer_0000000000000000000000/verify")
        seen_by_owner = ok(owner.get(f"/api/v1/merchants/{merchant['id']}"))
    assert error_code(by_owner) == (403, "platform_admin_required")
    assert error_code(by_unverified_admin) == (403, "platform_admin_required")
    assert verified["status"] == "verified" and verified["verifiedAt"]
    assert again["verifiedAt"] == verified["verifiedAt"]
    assert unknown.status_code == 404
    assert seen_by_owner["status"] == "verified"
