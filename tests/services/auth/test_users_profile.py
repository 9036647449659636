"""The logged-in user's own profile: name, time zone and which emails they want."""

from __future__ import annotations

import pytest

from devstack.profile import Profile
from tests.services.auth.test_users_helpers import AuthApi, running_auth, unique_email


@pytest.fixture
def auth(serve, profile: Profile):
    with running_auth(serve, profile) as api:
        yield api


def test_a_new_user_has_no_time_zone_yet_and_every_failure_email_on(auth: AuthApi) -> None:
    email = unique_email()
    auth.verified(email)
    me = auth.get("/me", caller=auth.as_user(auth.logged_in(email))).json()["user"]
    assert me["timezone"] is None
    assert me["notifications"] == {
        "paymentFailures": True,
        "webhookFailures": True,
        "weeklySummary": False,
    }


def test_the_user_changes_what_they_name_and_the_rest_stays(auth: AuthApi) -> None:
    email = unique_email()
    auth.verified(email)
    user = auth.as_user(auth.logged_in(email))

    renamed = auth.call("PATCH", "/api/v1/auth/me", caller=user, json={"name": "  Asha R.  "})
    moved = auth.call(
        "PATCH",
        "/api/v1/auth/me",
        caller=user,
        json={"timezone": "Asia/Kolkata", "notifications": {"webhookFailures": False}},
    )
    me = auth.get("/me", caller=user).json()["user"]
    audit = auth.get("/audit-logs", caller=user).json()["data"]

    assert renamed.status_code == moved.status_code == 200, (renamed.text, moved.text)
    assert (me["name"], me["timezone"], me["email"]) == ("Asha R.", "Asia/Kolkata", email)
    assert me["notifications"] == {
        "paymentFailures": True,
        "webhookFailures": False,
        "weeklySummary": False,
    }
    assert [event["action"] for event in audit[:2]] == ["user.profile_updated"] * 2


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"name": "   "}, "name"),
        ({"notifications": {"webhookFailures": "no"}}, "notifications.webhookFailures"),
        ({"email": "other@example.com"}, "email"),
    ],
)
def test_bad_profile_changes_are_refused_and_change_nothing(
    auth: AuthApi, body: dict[str, object], param: str
) -> None:
    email = unique_email()
    auth.verified(email)
    user = auth.as_user(auth.logged_in(email))
    refused = auth.call("PATCH", "/api/v1/auth/me", caller=user, json=body)
    me = auth.get("/me", caller=user).json()["user"]
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"]["param"] == param
    assert (me["name"], me["timezone"], me["email"]) == ("Asha Rao", None, email)


def test_an_anonymous_caller_has_no_profile_to_change(auth: AuthApi) -> None:
    refused = auth.call("PATCH", "/api/v1/auth/me", json={"name": "Nobody"})
    assert refused.status_code == 401
