"""Password guessing is slowed per account and per address, and unknown emails look like known
ones from outside."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from devstack.profile import Profile
from services.auth.throttle import account_key
from tests.services.auth.test_users_helpers import (
    PASSWORD,
    AuthApi,
    running_auth,
    unique_email,
    without_request_id,
)

WRONG = "a wrong password, surely"


def _throttle(**settings: int) -> dict[str, int]:
    defaults = {
        "free_attempts_per_account": 3,
        "free_attempts_per_ip": 1000,
        "base_delay_seconds": 30,
        "max_delay_seconds": 600,
        "window_seconds": 600,
    }
    return {**defaults, **settings}


@pytest.fixture
def redis_client(profile: Profile):
    client = redis.Redis.from_url(profile.redis_url, decode_responses=True)
    yield client
    client.close()


def test_after_the_free_failures_even_the_right_password_waits_and_unknown_emails_match(
    serve, profile: Profile
) -> None:
    with running_auth(serve, profile, login_throttle=_throttle()) as auth:
        known = unique_email("known")
        unknown = unique_email("nobody")
        auth.registered(known)

        known_failures = [auth.login(known, WRONG) for _ in range(3)]
        unknown_failures = [auth.login(unknown, WRONG) for _ in range(3)]
        known_waits = auth.login(known, PASSWORD)
        unknown_waits = auth.login(unknown, PASSWORD)

    for failure in [*known_failures, *unknown_failures]:
        assert failure.status_code == 401
        assert without_request_id(failure) == without_request_id(known_failures[0])
    assert known_failures[0].json()["error"]["code"] == "invalid_credentials"
    for waiting in (known_waits, unknown_waits):
        assert waiting.status_code == 429
        assert 1 <= int(waiting.headers["Retry-After"]) <= 30
    assert without_request_id(known_waits) == without_request_id(unknown_waits)
    assert known_waits.json()["error"]["code"] == "too_many_attempts"


def test_the_wait_doubles_with_each_further_failure_up_to_the_maximum(
    serve, profile: Profile, redis_client: redis.Redis
) -> None:
    throttle = _throttle(free_attempts_per_account=1, base_delay_seconds=10, max_delay_seconds=25)
    email = unique_email("doubling")
    key = account_key(email)

    def let_time_pass(seconds: int) -> None:
        # Moves the last attempt back instead of sleeping through the delay.
        redis_client.hincrby(key, "t", -seconds * 1000)

    with running_auth(serve, profile, login_throttle=throttle) as auth:
        auth.registered(email)
        assert auth.login(email, WRONG).status_code == 401
        waits = []
        for delay in (10, 20, 25):
            refused = auth.login(email, WRONG)
            assert refused.status_code == 429
            waits.append(int(refused.headers["Retry-After"]))
            let_time_pass(delay)
            assert auth.login(email, WRONG).status_code == 401
        let_time_pass(25)
        finally_right = auth.login(email, PASSWORD)

    # base, 2 x base, then capped at the maximum (less the moment since the last attempt)
    for wait, expected in zip(waits, (10, 20, 25), strict=True):
        assert expected - 1 <= wait <= expected
    assert finally_right.status_code == 200


def test_failures_from_one_address_are_limited_across_accounts(serve, profile: Profile) -> None:
    throttle = _throttle(free_attempts_per_account=100, free_attempts_per_ip=3)
    with running_auth(serve, profile, login_throttle=throttle) as auth:
        victim = unique_email("victim")
        auth.registered(victim)
        sprayed = [auth.login(unique_email("spray"), WRONG) for _ in range(3)]
        from_same_address = auth.login(victim, PASSWORD)
        elsewhere = AuthApi(auth.url, auth.mailpit_url).login(victim, PASSWORD)

    assert [r.status_code for r in sprayed] == [401, 401, 401]
    assert from_same_address.status_code == 429
    assert elsewhere.status_code == 200


def test_a_successful_login_resets_the_account_counter(serve, profile: Profile) -> None:
    with running_auth(serve, profile, login_throttle=_throttle()) as auth:
        email = unique_email("reset")
        auth.registered(email)
        before = [auth.login(email, WRONG).status_code for _ in range(2)]
        success = auth.login(email, PASSWORD)
        after = [auth.login(email, WRONG).status_code for _ in range(2)]
        still_free = auth.login(email, PASSWORD)

    assert before == after == [401, 401]
    assert success.status_code == 200
    assert still_free.status_code == 200


def test_failed_and_successful_logins_are_audited_with_the_email_and_address(
    serve, profile: Profile
) -> None:
    with running_auth(serve, profile) as auth:
        email = unique_email("audited")
        auth.registered(email)
        auth.login(email, WRONG)
        tokens = auth.logged_in(email)
        events = auth.get("/audit-logs", caller=auth.as_user(tokens)).json()["data"]

    succeeded, failed, registered = events
    assert [succeeded["action"], failed["action"], registered["action"]] == [
        "user.login_succeeded",
        "user.login_failed",
        "user.registered",
    ]
    assert failed["actor"]["email"] == email and failed["ip"] == auth.ip
    assert failed["target"] == {"reason": "password"}
    assert succeeded["ip"] == auth.ip and succeeded["userAgent"] == "expe-tests"


def test_guesses_sent_in_parallel_get_no_more_than_the_free_attempts(
    serve, profile: Profile
) -> None:
    with running_auth(serve, profile, login_throttle=_throttle()) as auth:
        email = unique_email("parallel")
        auth.registered(email)
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(lambda _: auth.login(email, WRONG).status_code, range(8)))

    assert sorted(statuses) == [401] * 3 + [429] * 5
