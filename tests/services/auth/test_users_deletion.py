"""Deleting an account asks for the second factor too when it is on."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from devstack.profile import Profile
from devstack.waiting import wait_until
from tests.services.auth.test_users_helpers import PASSWORD, AuthApi, running_auth, unique_email

STEP = 30


def code(secret: str, steps_from_now: int = 0) -> str:
    return pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=STEP * steps_from_now))


@pytest.fixture
def auth(serve, profile: Profile):
    with running_auth(serve, profile) as api:
        yield api


def _delete(auth: AuthApi, tokens: dict, **body: str):
    return auth.call("DELETE", "/api/v1/auth/me", caller=auth.as_user(tokens), json=body)


def test_with_two_factor_on_the_deletion_needs_a_current_code(auth: AuthApi) -> None:
    # The codes used are those of the steps around "now": start where "now" stays put a while.
    wait_until(lambda: time.time() % STEP < STEP - 10, timeout=STEP, what="early in a TOTP step")
    email = unique_email("leaving")
    auth.registered(email)
    tokens = auth.logged_in(email)
    me = auth.as_user(tokens)
    secret = auth.post("/2fa/enroll", caller=me).json()["secret"]
    # Confirmed with the previous step's code, so the current one stays unused.
    assert auth.post("/2fa/confirm", {"code": code(secret, -1)}, caller=me).status_code == 200

    without = _delete(auth, tokens, password=PASSWORD)
    wrong = _delete(auth, tokens, password=PASSWORD, code="000000")
    export = auth.get("/me/export", caller=auth.as_user(tokens)).json()
    deleted = _delete(auth, tokens, password=PASSWORD, code=code(secret))
    login = auth.post("/login", {"email": email, "password": PASSWORD, "totpCode": code(secret)})

    assert (without.status_code, without.json()["error"]["code"]) == (401, "two_factor_required")
    assert wrong.json()["error"]["code"] == "two_factor_required"
    assert export["twoFactor"]["enabled"] is True
    assert export["twoFactor"]["recoveryCodesLeft"] == 10
    assert secret not in str(export)
    assert deleted.status_code == 204
    assert login.status_code == 401
