"""Signing up, verifying the email address, and the user's own audit log."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from devstack.profile import Profile
from devstack.waiting import wait_until
from tests.services.auth.test_users_helpers import (
    PASSWORD,
    AuthApi,
    running_auth,
    token_in,
    unique_email,
)

VERIFY_SUBJECT = "Confirm your email"


@pytest.fixture
def auth(serve, profile: Profile):
    with running_auth(serve, profile) as api:
        yield api


def test_registration_normalizes_the_email_and_refuses_it_twice(auth: AuthApi) -> None:
    email = unique_email("Mixed.Case").replace("example.com", "Example.COM")

    first = auth.register(email)
    same = auth.register(email.lower())
    shouted = auth.register(email.upper())

    assert first.status_code == 201
    user = first.json()["user"]
    assert user["email"] == email.lower()
    assert user["id"].startswith("usr_")
    assert (user["emailVerified"], user["twoFactorEnabled"], user["platformAdmin"]) == (
        False,
        False,
        False,
    )
    for duplicate in (same, shouted):
        assert duplicate.status_code == 409
        assert duplicate.json()["error"]["code"] == "email_already_registered"
    # Logging in takes any case too.
    assert auth.login(email.upper()).status_code == 200


def test_the_verification_link_works_once(auth: AuthApi) -> None:
    email = unique_email("verify")
    auth.registered(email)
    (text,) = auth.mailbox(email).wait_for(VERIFY_SUBJECT)
    token = token_in(text, "verify-email")

    verified = auth.post("/verify-email", {"token": token})
    again = auth.post("/verify-email", {"token": token})
    made_up = auth.post("/verify-email", {"token": "x" * 43})

    assert verified.status_code == 200
    assert verified.json()["user"]["emailVerified"] is True
    for refused in (again, made_up):
        assert refused.status_code == 400
        assert refused.json()["error"]["code"] == "invalid_token"
    tokens = auth.logged_in(email)
    assert tokens["user"]["emailVerified"] is True
    actions = [
        e["action"] for e in auth.get("/audit-logs", caller=auth.as_user(tokens)).json()["data"]
    ]
    assert "user.email_verified" in actions


def test_a_verification_link_followed_in_parallel_works_once(auth: AuthApi) -> None:
    email = unique_email("verify-race")
    auth.registered(email)
    (text,) = auth.mailbox(email).wait_for(VERIFY_SUBJECT)
    token = token_in(text, "verify-email")

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(
            pool.map(lambda _: auth.post("/verify-email", {"token": token}).status_code, range(6))
        )

    assert sorted(statuses) == [200, 400, 400, 400, 400, 400]


def test_an_expired_verification_link_is_refused(serve, profile: Profile) -> None:
    with running_auth(serve, profile, email_token_ttl_seconds=-1) as auth:
        email = unique_email("expired")
        auth.registered(email)
        (text,) = auth.mailbox(email).wait_for(VERIFY_SUBJECT)
        response = auth.post("/verify-email", {"token": token_in(text, "verify-email")})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_token"


def test_resending_answers_alike_for_every_address_and_mails_at_most_once_a_period(
    serve, profile: Profile
) -> None:
    with running_auth(serve, profile, verification_resend_seconds=2) as auth:
        email = unique_email("resend")
        auth.registered(email)
        mailbox = auth.mailbox(email)
        mailbox.wait_for(VERIFY_SUBJECT)

        # Within the period of the first email: accepted, and dropped.
        burst = [auth.post("/verify-email/resend", {"email": email}) for _ in range(3)]
        unknown = auth.post("/verify-email/resend", {"email": unique_email("nobody")})
        # A later email of another kind marks the point by which a resend would have arrived.
        assert auth.post("/password/forgot", {"email": email}).status_code == 202
        mailbox.wait_for("Reset your Expe password")
        assert len(mailbox.texts(VERIFY_SUBJECT)) == 1

        # Once the period is over, a resend goes out (with a new link that works).
        def resent() -> bool:
            auth.post("/verify-email/resend", {"email": email.upper()})
            return len(mailbox.texts(VERIFY_SUBJECT)) >= 2

        wait_until(resent, timeout=15, interval=0.5, what="a second verification email")
        texts = mailbox.texts(VERIFY_SUBJECT)
        verified = auth.post("/verify-email", {"token": token_in(texts[0], "verify-email")})

    for response in (*burst, unknown):
        assert response.status_code == 202
        assert response.content == b""
    assert len(texts) == 2
    assert token_in(texts[0], "verify-email") != token_in(texts[1], "verify-email")
    assert verified.status_code == 200


def test_a_platform_admin_address_counts_only_once_verified(serve, profile: Profile) -> None:
    email = unique_email("operator")
    with running_auth(serve, profile, platform_admins=[email.upper()]) as auth:
        registered = auth.registered(email)
        before = auth.logged_in(email)
        (text,) = auth.mailbox(email).wait_for(VERIFY_SUBJECT)
        verified = auth.post("/verify-email", {"token": token_in(text, "verify-email")})
        after = auth.logged_in(email)
        other = auth.registered(unique_email("merchant"))

    assert registered["platformAdmin"] is False
    assert auth.as_user(before).platform_admin is False
    assert verified.json()["user"]["platformAdmin"] is True
    assert after["user"]["platformAdmin"] is True
    assert auth.as_user(after).platform_admin is True
    assert other["platformAdmin"] is False


def test_registration_input_is_validated(auth: AuthApi) -> None:
    extra = auth.post(
        "/register",
        {"email": unique_email(), "password": PASSWORD, "name": "A", "platformAdmin": True},
    )
    missing = auth.post("/register", {"email": unique_email(), "password": PASSWORD})
    malformed = auth.post("/register", {"email": "nope", "password": PASSWORD, "name": "A"})

    assert extra.status_code == 400
    assert extra.json()["error"]["param"] == "platformAdmin"
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "parameter_missing"
    assert missing.json()["error"]["param"] == "name"
    assert malformed.status_code == 400
    assert malformed.json()["error"]["param"] == "email"


def test_the_audit_log_lists_the_users_own_events_newest_first_in_pages(auth: AuthApi) -> None:
    email = unique_email("audit")
    auth.registered(email)
    for _ in range(3):
        assert auth.login(email, "not the right password").status_code == 401
    tokens = auth.logged_in(email)
    me = auth.as_user(tokens)
    someone_else = unique_email("other")
    auth.registered(someone_else)

    first = auth.get("/audit-logs", caller=me, params={"page": 1, "limit": 2}).json()
    last = auth.get("/audit-logs", caller=me, params={"page": 3, "limit": 2}).json()
    everything = auth.get("/audit-logs", caller=me).json()
    too_many = auth.get("/audit-logs", caller=me, params={"limit": 101})

    assert (first["page"], first["limit"], first["total"], first["hasMore"]) == (1, 2, 5, True)
    assert (last["page"], len(last["data"]), last["hasMore"]) == (3, 1, False)
    actions = [event["action"] for event in everything["data"]]
    assert actions == ["user.login_succeeded", *["user.login_failed"] * 3, "user.registered"]
    times = [event["at"] for event in everything["data"]]
    assert times == sorted(times, reverse=True)
    assert too_many.status_code == 400
