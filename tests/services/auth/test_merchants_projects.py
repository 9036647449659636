"""Projects: owners and developers create them, every member sees them."""

from __future__ import annotations

from tests.services.auth.test_merchants_factories import (
    User,
    auth_service,
    create_merchant,
    create_project,
    error_code,
    join,
    ok,
)


def test_owners_and_developers_create_projects_that_members_list(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owner, dev, viewer = User(url), User(url), User(url)
        mid = create_merchant(owner)["id"]
        join(owner, mid, dev, profile, "developer")
        join(owner, mid, viewer, profile, "viewer")
        shop = create_project(owner, mid, "Web shop")
        app = create_project(dev, mid, "Mobile app")
        by_viewer = viewer.post(f"/api/v1/merchants/{mid}/projects", {"name": "Nope"})
        by_outsider = User(url).post(f"/api/v1/merchants/{mid}/projects", {"name": "Nope"})
        listed = ok(viewer.get(f"/api/v1/merchants/{mid}/projects"))
        hidden = User(url).get(f"/api/v1/merchants/{mid}/projects")
    assert shop["id"].startswith("prj_") and shop["merchantId"] == mid
    assert error_code(by_viewer) == (403, "role_required")
    assert by_outsider.status_code == 404
    assert [p["id"] for p in listed["data"]] == [shop["id"], app["id"]]
    assert (listed["total"], listed["hasMore"]) == (2, False)
    assert hidden.status_code == 404


def test_project_names_are_required_and_bounded(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owner = User(url)
        mid = create_merchant(owner)["id"]
        empty = owner.post(f"/api/v1/merchants/{mid}/projects", {"name": ""})
        long = owner.post(f"/api/v1/merchants/{mid}/projects", {"name": "x" * 101})
        missing = owner.post(f"/api/v1/merchants/{mid}/projects", {})
    assert error_code(empty) == (400, "parameter_invalid")
    assert error_code(long) == (400, "parameter_invalid")
    assert error_code(missing) == (400, "parameter_missing")
