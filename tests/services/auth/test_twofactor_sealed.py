"""TOTP secrets are sealed at rest, secrets stored in the clear still work, and a rotation moves
both onto the new key (the users collection read raw)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest

from devstack.profile import Profile
from devstack.waiting import wait_until
from services.auth.app import create_app
from services.auth.settings import AuthSettings
from shared.sealing import Keyring
from tests.sealing import K1, K2, reseal, service_database
from tests.servers import on_database
from tests.services.auth.test_users_helpers import AuthApi, auth_settings, unique_email

STEP = 30


def code(secret: str, steps_from_now: int = 0) -> str:
    return pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=STEP * steps_from_now))


@pytest.fixture
def prefix(profile: Profile) -> Iterator[str]:
    with service_database(profile, "auth") as name:
        yield name


def stored_two_factor(users: Any, email: str) -> dict[str, Any]:
    found = users.find_one({"email": email})
    assert found is not None
    state: dict[str, Any] = found["twoFactor"]
    return state


def test_totp_secrets_are_sealed_and_move_onto_a_new_key(profile: Profile, prefix: str) -> None:
    # Every code below is of a step around now: start where now stays put for the whole test.
    wait_until(lambda: time.time() % STEP < 5, timeout=STEP, what="the start of a TOTP step")

    def serve(keys: str):  # type: ignore[no-untyped-def]
        options = auth_settings(profile, sealing_keys=keys)
        return on_database(profile, prefix, create_app, AuthSettings, "auth", **options)

    sealed_user, plain_user = unique_email("sealed"), unique_email("plain")
    enrolled = {}
    with serve(K1) as served:
        auth = AuthApi(served.url, profile.mailpit_url)
        users = served.db["users"]
        for email in (sealed_user, plain_user):
            auth.registered(email)
            me = auth.as_user(auth.logged_in(email))
            secret = auth.post("/2fa/enroll", caller=me).json()["secret"]
            pending = stored_two_factor(users, email)["pendingSecret"]
            assert pending.startswith("aesgcm2:k1:") and secret not in pending
            confirmed = auth.post("/2fa/confirm", {"code": code(secret, -1)}, caller=me)
            assert confirmed.status_code == 200, confirmed.text
            enrolled[email] = secret
        state = stored_two_factor(users, sealed_user)
        assert state["secret"].startswith("aesgcm2:k1:")
        assert enrolled[sealed_user] not in repr(state)
        # As it was stored before secrets were sealed.
        users.update_one(
            {"email": plain_user}, {"$set": {"twoFactor.secret": enrolled[plain_user]}}
        )
        for email in (sealed_user, plain_user):
            assert auth.login(email, totpCode=code(enrolled[email])).status_code == 200

    with serve(f"{K2},{K1}") as served:
        auth = AuthApi(served.url, profile.mailpit_url)
        # Sealed under k1, now an old key: it still opens.
        assert auth.login(sealed_user, totpCode=code(enrolled[sealed_user], 1)).status_code == 200
        printed = reseal(profile, "auth", prefix, f"{K2},{K1}")
        assert "auth → k2: users twoFactor.secret: 2 seen, 2 resealed" in printed
        opener = Keyring.parse(K2).sealer("totp-secret")
        for email, secret in enrolled.items():
            stored = stored_two_factor(served.db["users"], email)["secret"]
            assert stored.startswith("aesgcm2:k2:")
            assert opener.open(stored) == secret

    with serve(K2) as served:  # k1 dropped
        auth = AuthApi(served.url, profile.mailpit_url)
        assert auth.login(plain_user, totpCode=code(enrolled[plain_user], 1)).status_code == 200
