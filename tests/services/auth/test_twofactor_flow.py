"""Two-factor authentication: enrolment, logging in with a code or a recovery code, turning off."""

from __future__ import annotations

import base64
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from devstack.profile import Profile
from devstack.waiting import wait_until
from services.auth.twofactor.service import matching_step
from tests.services.auth.test_users_helpers import PASSWORD, AuthApi, running_auth, unique_email

STEP = 30


@pytest.fixture
def auth(serve, profile: Profile):
    with running_auth(serve, profile) as api:
        yield api


@pytest.fixture
def early_in_a_step() -> None:
    """The tests use the codes of the steps around 'now': start where 'now' stays put a while."""
    wait_until(lambda: time.time() % STEP < STEP - 10, timeout=STEP, what="early in a TOTP step")


def code(secret: str, steps_from_now: int = 0) -> str:
    return pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=STEP * steps_from_now))


def _enrolled(auth: AuthApi, email: str) -> tuple[dict, str, list[str]]:
    auth.registered(email)
    tokens = auth.logged_in(email)
    me = auth.as_user(tokens)
    enrolment = auth.post("/2fa/enroll", caller=me).json()
    # Confirmed with the previous step's code, so the current and next ones stay unused.
    confirmed = auth.post("/2fa/confirm", {"code": code(enrolment["secret"], -1)}, caller=me)
    assert confirmed.status_code == 200, confirmed.text
    return tokens, enrolment["secret"], confirmed.json()["recoveryCodes"]


def test_enrolment_gives_a_secret_an_otpauth_uri_and_a_qr_code(auth: AuthApi) -> None:
    email = unique_email("enrol")
    auth.registered(email)
    me = auth.as_user(auth.logged_in(email))

    response = auth.post("/2fa/enroll", caller=me)

    assert response.status_code == 200
    enrolment = response.json()
    parsed = pyotp.parse_uri(enrolment["otpauthUri"])
    assert parsed.secret == enrolment["secret"] and parsed.issuer == "Expe"
    assert parsed.name == email
    prefix = "data:image/png;base64,"
    assert enrolment["qrCodePng"].startswith(prefix)
    assert base64.b64decode(enrolment["qrCodePng"][len(prefix) :]).startswith(b"\x89PNG\r\n")
    # Enrolling is not enough: it is off until a code confirms it.
    assert auth.get("/me", caller=me).json()["user"]["twoFactorEnabled"] is False
    assert auth.login(email).status_code == 200


@pytest.mark.usefixtures("early_in_a_step")
def test_confirming_needs_a_code_of_the_new_secret(auth: AuthApi) -> None:
    email = unique_email("confirm")
    auth.registered(email)
    me = auth.as_user(auth.logged_in(email))
    unenrolled = auth.post("/2fa/confirm", {"code": "123456"}, caller=me)
    secret = auth.post("/2fa/enroll", caller=me).json()["secret"]
    wrong = auth.post("/2fa/confirm", {"code": code(pyotp.random_base32())}, caller=me)

    confirmed = auth.post("/2fa/confirm", {"code": code(secret)}, caller=me)
    again = auth.post("/2fa/enroll", caller=me)

    assert unenrolled.status_code == 409
    assert unenrolled.json()["error"]["code"] == "two_factor_not_enrolled"
    assert wrong.status_code == 400
    assert wrong.json()["error"]["code"] == "invalid_two_factor_code"
    assert confirmed.status_code == 200
    codes = confirmed.json()["recoveryCodes"]
    assert len(codes) == len(set(codes)) == 10
    assert auth.get("/me", caller=me).json()["user"]["twoFactorEnabled"] is True
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "two_factor_already_enabled"


@pytest.mark.usefixtures("early_in_a_step")
def test_login_needs_a_fresh_code_once_the_password_is_right(auth: AuthApi) -> None:
    email = unique_email("totp")
    _, secret, _ = _enrolled(auth, email)

    wrong_password = auth.login(email, "not the password at all", totpCode=code(secret))
    without_code = auth.login(email)
    wrong_code = auth.login(email, totpCode=code(pyotp.random_base32()))
    with_code = auth.login(email, totpCode=code(secret))
    same_code_again = auth.login(email, totpCode=code(secret))
    older_code = auth.login(email, totpCode=code(secret, -1))
    next_code = auth.login(email, totpCode=code(secret, +1))

    assert wrong_password.status_code == 401
    assert wrong_password.json()["error"]["code"] == "invalid_credentials"
    for refused in (without_code, wrong_code, same_code_again, older_code):
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "two_factor_required"
    assert with_code.status_code == 200
    assert with_code.json()["user"]["twoFactorEnabled"] is True
    assert next_code.status_code == 200


@pytest.mark.usefixtures("early_in_a_step")
def test_each_recovery_code_logs_in_once(auth: AuthApi) -> None:
    email = unique_email("recovery")
    tokens, _, recovery_codes = _enrolled(auth, email)
    first, second = recovery_codes[:2]

    used = auth.login(email, recoveryCode=first)
    reused = auth.login(email, recoveryCode=first)
    # Typed by a person: case and dashes do not matter.
    retyped = auth.login(email, recoveryCode=second.replace("-", "").upper())

    assert used.status_code == 200
    assert reused.status_code == 401
    assert reused.json()["error"]["code"] == "two_factor_required"
    assert retyped.status_code == 200
    events = auth.get("/audit-logs", caller=auth.as_user(tokens)).json()["data"]
    used_events = [e for e in events if e["action"] == "user.recovery_code_used"]
    assert [e["target"]["recoveryCodesLeft"] for e in used_events] == [8, 9]


@pytest.mark.usefixtures("early_in_a_step")
def test_a_code_sent_in_parallel_logs_in_once(serve, profile: Profile) -> None:
    # Plenty of free attempts: this is about the codes, not about the throttle.
    throttle = {"free_attempts_per_account": 100, "free_attempts_per_ip": 100}
    with running_auth(serve, profile, login_throttle=throttle) as auth:
        email = unique_email("totp-race")
        _, secret, recovery_codes = _enrolled(auth, email)
        totp, recovery = code(secret), recovery_codes[0]

        with ThreadPoolExecutor(max_workers=4) as pool:
            by_totp = list(
                pool.map(lambda _: auth.login(email, totpCode=totp).status_code, range(4))
            )
        with ThreadPoolExecutor(max_workers=4) as pool:
            by_recovery = list(
                pool.map(lambda _: auth.login(email, recoveryCode=recovery).status_code, range(4))
            )

    assert sorted(by_totp) == [200, 401, 401, 401]
    assert sorted(by_recovery) == [200, 401, 401, 401]


@pytest.mark.usefixtures("early_in_a_step")
def test_disabling_needs_a_current_code(auth: AuthApi) -> None:
    email = unique_email("disable")
    tokens, secret, _ = _enrolled(auth, email)
    me = auth.as_user(tokens)

    wrong = auth.post("/2fa/disable", {"code": code(pyotp.random_base32())}, caller=me)
    still_on = auth.login(email)
    disabled = auth.post("/2fa/disable", {"code": code(secret)}, caller=me)
    twice = auth.post("/2fa/disable", {"code": code(secret, +1)}, caller=me)
    plain_login = auth.login(email, PASSWORD)

    assert wrong.status_code == 400
    assert wrong.json()["error"]["code"] == "invalid_two_factor_code"
    assert still_on.json()["error"]["code"] == "two_factor_required"
    assert disabled.status_code == 204
    assert twice.status_code == 409
    assert plain_login.status_code == 200
    assert plain_login.json()["user"]["twoFactorEnabled"] is False
    actions = [e["action"] for e in auth.get("/audit-logs", caller=me).json()["data"]]
    assert "user.two_factor_enabled" in actions and "user.two_factor_disabled" in actions


def test_a_code_matches_its_own_step_and_the_neighbouring_ones_only() -> None:
    secret = pyotp.random_base32()
    now = datetime(2030, 1, 1, 12, 0, 10, tzinfo=UTC)
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)

    for offset in (-1, 0, 1):
        at = now + timedelta(seconds=STEP * offset)
        assert matching_step(secret, totp.at(at), now) == current + offset
    for far in (-2, 2):
        assert matching_step(secret, totp.at(now + timedelta(seconds=STEP * far)), now) is None
    assert matching_step(secret, "12345", now) is None
    assert matching_step(secret, "abcdef", now) is None
