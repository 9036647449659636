"""Logging in, rotating refresh tokens, and ending sessions (reuse, logout)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import jwt
import pytest
import redis

from devstack.profile import Profile
from services.auth.sessions.revocation import revoked_session_key
from tests.services.auth.test_users_helpers import (
    PASSWORD,
    AuthApi,
    running_auth,
    unique_email,
)
from tests.signing import ANONYMOUS, AsGateway

ACCESS_TTL = 900


@pytest.fixture
def auth(serve, profile: Profile):
    with running_auth(serve, profile) as api:
        yield api


@pytest.fixture
def redis_client(profile: Profile):
    client = redis.Redis.from_url(profile.redis_url, decode_responses=True)
    yield client
    client.close()


def _audit_actions(auth: AuthApi, tokens: dict) -> list[str]:
    events = auth.get("/audit-logs", caller=auth.as_user(tokens)).json()["data"]
    return [event["action"] for event in events]


def test_register_verify_login_refresh_then_reuse_ends_the_whole_session(
    auth: AuthApi, redis_client: redis.Redis
) -> None:
    email = unique_email("flow")
    user = auth.verified(email)
    assert user["emailVerified"] is True

    first = auth.logged_in(email)
    assert first["tokenType"] == "Bearer"
    assert first["expiresIn"] == ACCESS_TTL
    assert first["user"] == user
    jwks = httpx.get(f"{auth.url}/.well-known/jwks.json", auth=AsGateway(ANONYMOUS)).json()
    (key,) = jwks["keys"]
    claims = jwt.decode(
        first["accessToken"], jwt.PyJWK(key).key, algorithms=["EdDSA"], audience="expe-api"
    )
    assert claims["sub"] == user["id"] and claims["email"] == email and claims["ev"] is True
    assert claims["sid"].startswith("ses_")

    rotated = auth.post("/refresh", {"refreshToken": first["refreshToken"]})
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()
    assert second["refreshToken"] != first["refreshToken"]
    assert (
        jwt.decode(second["accessToken"], options={"verify_signature": False})["sid"]
        == (claims["sid"])
    )

    # The first token comes back: someone kept a copy. The whole family ends, including the
    # token the legitimate holder got in exchange.
    reused = auth.post("/refresh", {"refreshToken": first["refreshToken"]})
    assert reused.status_code == 401
    assert reused.json()["error"]["code"] == "invalid_refresh_token"
    after = auth.post("/refresh", {"refreshToken": second["refreshToken"]})
    assert after.status_code == 401
    assert after.json()["error"]["code"] == "invalid_refresh_token"

    # The gateway hears of it at once, for as long as an access token of the session can live.
    ttl = redis_client.ttl(revoked_session_key(claims["sid"]))
    assert ACCESS_TTL <= ttl <= ACCESS_TTL + 60

    fresh = auth.logged_in(email)
    assert "user.refresh_token_reused" in _audit_actions(auth, fresh)


def test_each_refresh_token_works_once_and_unknown_ones_are_refused(auth: AuthApi) -> None:
    email = unique_email("once")
    auth.registered(email)
    tokens = auth.logged_in(email)

    unknown = auth.post("/refresh", {"refreshToken": "not-a-token-we-issued"})
    chain = [tokens["refreshToken"]]
    for _ in range(3):
        response = auth.post("/refresh", {"refreshToken": chain[-1]})
        assert response.status_code == 200, response.text
        chain.append(response.json()["refreshToken"])

    assert unknown.status_code == 401
    assert unknown.json()["error"]["code"] == "invalid_refresh_token"
    assert len(set(chain)) == len(chain)


def test_an_unverified_account_can_log_in_with_an_unverified_token(auth: AuthApi) -> None:
    email = unique_email("unverified")
    auth.registered(email)

    tokens = auth.logged_in(email)

    assert tokens["user"]["emailVerified"] is False
    assert jwt.decode(tokens["accessToken"], options={"verify_signature": False})["ev"] is False


def test_logout_ends_the_session_for_the_service_and_the_gateway(
    auth: AuthApi, redis_client: redis.Redis
) -> None:
    email = unique_email("logout")
    auth.registered(email)
    kept = auth.logged_in(email)
    ended = auth.logged_in(email)
    caller = auth.as_user(ended)

    response = auth.post("/logout", caller=caller)

    assert response.status_code == 204
    assert redis_client.exists(revoked_session_key(caller.session_id or "")) == 1
    refused = auth.post("/refresh", {"refreshToken": ended["refreshToken"]})
    assert refused.status_code == 401
    # Only that session: the other login goes on.
    assert auth.post("/refresh", {"refreshToken": kept["refreshToken"]}).status_code == 200
    assert redis_client.exists(revoked_session_key(auth.as_user(kept).session_id or "")) == 0
    assert "user.logged_out" in _audit_actions(auth, kept)


def test_me_returns_the_logged_in_user(auth: AuthApi) -> None:
    email = unique_email("me")
    registered = auth.registered(email)
    tokens = auth.logged_in(email)

    response = auth.get("/me", caller=auth.as_user(tokens))
    anonymous = auth.get("/me", caller=ANONYMOUS)

    assert response.status_code == 200
    assert response.json() == {"user": registered}
    assert set(registered) == {
        "id",
        "email",
        "name",
        "emailVerified",
        "twoFactorEnabled",
        "platformAdmin",
        "timezone",
        "notifications",
        "createdAt",
    }
    assert anonymous.status_code == 401


def test_login_input_is_validated(auth: AuthApi) -> None:
    extra = auth.post("/login", {"email": unique_email(), "password": PASSWORD, "remember": True})
    malformed = auth.post("/login", {"email": "not-an-email", "password": PASSWORD})

    assert extra.status_code == 400
    assert extra.json()["error"]["param"] == "remember"
    assert malformed.status_code == 400
    assert malformed.json()["error"]["param"] == "email"


def test_a_refresh_token_presented_in_parallel_is_exchanged_at_most_once(auth: AuthApi) -> None:
    email = unique_email("race")
    auth.registered(email)
    token = auth.logged_in(email)["refreshToken"]

    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(
            pool.map(lambda _: auth.post("/refresh", {"refreshToken": token}), range(6))
        )

    exchanged = [r.json()["refreshToken"] for r in responses if r.status_code == 200]
    assert len(exchanged) <= 1
    assert all(r.status_code in (200, 401) for r in responses)
    # The other five count as reuse: the family ends, whatever the one winner received.
    for new_token in exchanged:
        assert auth.post("/refresh", {"refreshToken": new_token}).status_code == 401
    assert "user.refresh_token_reused" in _audit_actions(auth, auth.logged_in(email))
