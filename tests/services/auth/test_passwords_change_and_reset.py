"""Changing a password ends the other sessions; resetting one by email ends them all."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from devstack.profile import Profile
from services.auth.sessions.revocation import revoked_session_key
from tests.services.auth.test_users_helpers import (
    PASSWORD,
    AuthApi,
    running_auth,
    token_in,
    unique_email,
)

NEW_PASSWORD = "a much newer passphrase 2031"
RESET_SUBJECT = "Reset your Expe password"


@pytest.fixture
def auth(serve, profile: Profile):
    with running_auth(serve, profile) as api:
        yield api


@pytest.fixture
def redis_client(profile: Profile):
    client = redis.Redis.from_url(profile.redis_url, decode_responses=True)
    yield client
    client.close()


def _refreshes(auth: AuthApi, tokens: dict) -> bool:
    return auth.post("/refresh", {"refreshToken": tokens["refreshToken"]}).status_code == 200


def test_changing_the_password_ends_every_other_session(
    auth: AuthApi, redis_client: redis.Redis
) -> None:
    email = unique_email("change")
    auth.registered(email)
    here = auth.logged_in(email)
    elsewhere = auth.logged_in(email)
    me = auth.as_user(here)

    wrong = auth.post(
        "/password/change",
        {"currentPassword": "not it at all", "newPassword": NEW_PASSWORD},
        caller=me,
    )
    weak = auth.post(
        "/password/change", {"currentPassword": PASSWORD, "newPassword": "1234567890"}, caller=me
    )
    changed = auth.post(
        "/password/change", {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}, caller=me
    )

    assert wrong.status_code == 400
    assert wrong.json()["error"]["code"] == "incorrect_password"
    assert weak.status_code == 400
    assert weak.json()["error"]["code"] == "weak_password"
    assert changed.status_code == 204
    assert not _refreshes(auth, elsewhere)
    assert redis_client.exists(revoked_session_key(auth.as_user(elsewhere).session_id or "")) == 1
    # The session that made the change goes on.
    assert _refreshes(auth, here)
    assert redis_client.exists(revoked_session_key(me.session_id or "")) == 0
    assert auth.login(email, PASSWORD).status_code == 401
    assert auth.login(email, NEW_PASSWORD).status_code == 200
    actions = [e["action"] for e in auth.get("/audit-logs", caller=me).json()["data"]]
    assert "user.password_changed" in actions


def test_a_forgotten_password_is_reset_from_the_emailed_link_once(
    auth: AuthApi, redis_client: redis.Redis
) -> None:
    email = unique_email("forgot")
    auth.registered(email)
    session = auth.logged_in(email)

    unknown = auth.post("/password/forgot", {"email": unique_email("nobody")})
    known = auth.post("/password/forgot", {"email": email})
    (text,) = auth.mailbox(email).wait_for(RESET_SUBJECT)
    token = token_in(text, "reset-password")
    weak = auth.post("/password/reset", {"token": token, "newPassword": "password1234"})
    reset = auth.post("/password/reset", {"token": token, "newPassword": NEW_PASSWORD})
    again = auth.post("/password/reset", {"token": token, "newPassword": NEW_PASSWORD + "!"})

    for accepted in (unknown, known):
        assert accepted.status_code == 202
        assert accepted.content == b""
    # A refused password does not use the link up.
    assert weak.status_code == 400
    assert weak.json()["error"]["code"] == "weak_password"
    assert reset.status_code == 204
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "invalid_token"
    assert not _refreshes(auth, session)
    assert redis_client.exists(revoked_session_key(auth.as_user(session).session_id or "")) == 1
    assert auth.login(email, PASSWORD).status_code == 401
    after = auth.logged_in(email, NEW_PASSWORD)
    # Following the emailed link proved the address.
    assert after["user"]["emailVerified"] is True
    actions = [
        e["action"] for e in auth.get("/audit-logs", caller=auth.as_user(after)).json()["data"]
    ]
    assert "user.password_reset" in actions


def test_a_reset_link_from_before_a_password_change_is_void(auth: AuthApi) -> None:
    email = unique_email("stale")
    auth.registered(email)
    me = auth.as_user(auth.logged_in(email))
    auth.post("/password/forgot", {"email": email})
    (text,) = auth.mailbox(email).wait_for(RESET_SUBJECT)

    changed = auth.post(
        "/password/change", {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}, caller=me
    )
    stale = auth.post(
        "/password/reset",
        {"token": token_in(text, "reset-password"), "newPassword": "yet another passphrase"},
    )

    assert changed.status_code == 204
    assert stale.status_code == 400
    assert stale.json()["error"]["code"] == "invalid_token"
    assert auth.login(email, NEW_PASSWORD).status_code == 200


def test_a_reset_link_used_in_parallel_sets_one_password(auth: AuthApi) -> None:
    email = unique_email("reset-race")
    auth.registered(email)
    auth.post("/password/forgot", {"email": email})
    (text,) = auth.mailbox(email).wait_for(RESET_SUBJECT)
    token = token_in(text, "reset-password")
    candidates = [f"{NEW_PASSWORD} number {i}" for i in range(5)]

    with ThreadPoolExecutor(max_workers=5) as pool:
        responses = list(
            pool.map(
                lambda password: auth.post(
                    "/password/reset", {"token": token, "newPassword": password}
                ),
                candidates,
            )
        )

    statuses = [r.status_code for r in responses]
    assert sorted(statuses) == [204, 400, 400, 400, 400]
    winner = candidates[statuses.index(204)]
    assert auth.login(email, winner).status_code == 200


def test_an_expired_reset_link_is_refused(serve, profile: Profile) -> None:
    with running_auth(serve, profile, password_reset_ttl_seconds=-1) as auth:
        email = unique_email("late")
        auth.registered(email)
        auth.post("/password/forgot", {"email": email})
        (text,) = auth.mailbox(email).wait_for(RESET_SUBJECT)
        response = auth.post(
            "/password/reset",
            {"token": token_in(text, "reset-password"), "newPassword": NEW_PASSWORD},
        )
        still = auth.login(email, PASSWORD)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_token"
    assert still.status_code == 200


def test_password_changes_racing_from_one_session_set_one_password(auth: AuthApi) -> None:
    email = unique_email("change-race")
    auth.registered(email)
    me = auth.as_user(auth.logged_in(email))
    candidates = [f"{NEW_PASSWORD} variant {i}" for i in range(5)]

    with ThreadPoolExecutor(max_workers=5) as pool:
        responses = list(
            pool.map(
                lambda password: auth.post(
                    "/password/change",
                    {"currentPassword": PASSWORD, "newPassword": password},
                    caller=me,
                ),
                candidates,
            )
        )

    accepted = [password for password, r in zip(candidates, responses, strict=True) if r.is_success]
    assert len(accepted) == 1
    # Each loser found the password changed: the current one no longer matches, or the change
    # landed between its check and its write.
    assert all(r.status_code in (400, 401, 409) for r in responses if not r.is_success)
    assert auth.login(email, accepted[0]).status_code == 200
    for loser in set(candidates) - set(accepted):
        assert auth.login(email, loser).status_code == 401
