"""Tokens and keys a thief would try: forged, tampered, expired, unsigned, signed for another
audience or by an unknown key, a signed-out session, a reused refresh token; and guessing API
keys, passwords, sign-ups, reset emails and key creation is rate limited."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pymongo
import pytest

from devstack.accounts import PASSWORD, SEEN, Session, bearer, log_in, sign_up, unique_email
from devstack.profile import LOCAL_ACCOUNT_LIMIT_PER_MINUTE, Profile
from devstack.stack import Stack
from services.auth.tokens.keys import SIGNING_KEYS, SigningKey
from tests.security.conftest import Victim, from_own_address
from tests.tokens import mint, new_signing_key, unsigned

pytestmark = pytest.mark.e2e

ME = "/api/v1/auth/me"


@pytest.fixture(scope="module")
def auth_key(profile: Profile, stack: Stack) -> SigningKey:
    """The auth service's own signing key, as stored where its replicas share it: tokens it
    signs differ from a real one only in the claim a test makes wrong."""
    with pymongo.MongoClient(profile.mongo_url) as client:
        (stored,) = client[f"{profile.db_prefix}_auth"][SIGNING_KEYS].find()
    return SigningKey.from_pem(stored["pem"])


@pytest.fixture(scope="module")
def person(gateway: httpx.Client, victim: Victim) -> Session:
    return log_in(gateway, victim.owner.email)


def _claims_of(session: Session) -> dict[str, Any]:
    return dict(jwt.decode(session.access_token, options={"verify_signature": False}))


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["adm"] = True
    raw = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{header}.{raw}.{signature}"


def _hs256_with_public_key(key: SigningKey, claims: dict[str, Any]) -> str:
    """The key-confusion attack: HMAC signed with the published public key as the secret."""
    public = key.public_jwk["x"].encode()
    header = {"alg": "HS256", "kid": key.kid}
    parts = [
        base64.urlsafe_b64encode(json.dumps(part).encode()).decode().rstrip("=")
        for part in (header, claims)
    ]
    signature = hmac.new(public, ".".join(parts).encode(), hashlib.sha256).digest()
    return ".".join([*parts, base64.urlsafe_b64encode(signature).decode().rstrip("=")])


FORGERIES: dict[str, Callable[[SigningKey, Session], str]] = {
    "forged signature, the real key id": lambda key, s: mint(
        new_signing_key(), kid=key.kid, **_real(s)
    ),
    "tampered claims": lambda _key, s: _tampered(s.access_token),
    "expired": lambda key, s: mint(
        key,
        **_real(s),
        iat=datetime.now(UTC) - timedelta(minutes=20),
        exp=datetime.now(UTC) - timedelta(minutes=5),
    ),
    "alg none": lambda _key, s: unsigned(**_real(s)),
    "HS256 with the public key": lambda key, s: _hs256_with_public_key(key, _numeric(_real(s))),
    "unknown key id": lambda key, s: mint(key, kid="kid-nobody-published", **_real(s)),
    "another audience": lambda key, s: mint(key, aud="another-api", **_real(s)),
    "another issuer": lambda key, s: mint(key, iss="someone-else", **_real(s)),
}


def _real(session: Session) -> dict[str, Any]:
    claims = _claims_of(session)
    return {name: claims[name] for name in ("sub", "sid", "email", "ev")}


def _numeric(claims: dict[str, Any]) -> dict[str, Any]:
    now = int(datetime.now(UTC).timestamp())
    return {"iss": "expe-auth", "aud": "expe-api", "iat": now, "exp": now + 600, **claims}


def test_the_genuine_token_is_accepted(
    gateway: httpx.Client, auth_key: SigningKey, person: Session
) -> None:
    # The forgeries below are refused for what they change, not for what the test gets wrong.
    assert gateway.get(ME, headers=bearer(person.access_token)).status_code == 200
    assert gateway.get(ME, headers=bearer(mint(auth_key, **_real(person)))).status_code == 200


@pytest.mark.parametrize("forgery", FORGERIES)
def test_a_bad_access_token_is_refused(
    gateway: httpx.Client, auth_key: SigningKey, person: Session, forgery: str
) -> None:
    token = FORGERIES[forgery](auth_key, person)
    answer = gateway.get(ME, headers=bearer(token))
    assert answer.status_code == 401, answer.text
    assert answer.json()["error"]["code"] == "invalid_access_token"


def test_a_signed_out_session_and_a_reused_refresh_token_end_the_whole_family(
    gateway: httpx.Client, victim: Victim
) -> None:
    signed_out = log_in(gateway, victim.owner.email)
    assert gateway.post("/api/v1/auth/logout", headers=signed_out.headers()).status_code == 204
    answer = gateway.get(ME, headers=bearer(signed_out.access_token))
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "invalid_access_token"
    refreshed = gateway.post(
        "/api/v1/auth/refresh", json={"refreshToken": signed_out.refresh_token}
    )
    assert refreshed.status_code == 401
    assert refreshed.json()["error"]["code"] == "invalid_refresh_token"

    session = log_in(gateway, victim.owner.email)
    rotated = gateway.post("/api/v1/auth/refresh", json={"refreshToken": session.refresh_token})
    assert rotated.status_code == 200, rotated.text
    newest = rotated.json()
    SEEN.add(newest["accessToken"], newest["refreshToken"])
    # The old refresh token again, as a thief who copied it would: the whole family ends.
    reused = gateway.post("/api/v1/auth/refresh", json={"refreshToken": session.refresh_token})
    assert reused.status_code == 401
    assert reused.json()["error"]["code"] == "invalid_refresh_token"
    after = gateway.post("/api/v1/auth/refresh", json={"refreshToken": newest["refreshToken"]})
    assert after.status_code == 401
    for token in (session.access_token, newest["accessToken"]):
        answer = gateway.get(ME, headers=bearer(token))
        assert answer.status_code == 401
        assert answer.json()["error"]["code"] == "invalid_access_token"


@pytest.fixture
def own_address(stack: Stack) -> Iterator[Callable[[], httpx.Client]]:
    """Clients of addresses of their own (rate limits count per address)."""
    opened: list[httpx.Client] = []

    def new() -> httpx.Client:
        opened.append(from_own_address(stack))
        return opened[-1]

    yield new
    for client in opened:
        client.close()


def _refused_until_limited(send: Callable[[], httpx.Response], most: int) -> httpx.Response:
    """Sends until refused with 429 (within `most` requests), returning that answer."""
    for _ in range(most):
        answer = send()
        assert answer.status_code < 500, answer.text
        if answer.status_code == 429:
            return answer
    raise AssertionError(f"no 429 within {most} requests")


def _limited(answer: httpx.Response, code: str) -> None:
    assert answer.status_code == 429
    assert answer.json()["error"]["code"] == code
    assert int(answer.headers["Retry-After"]) >= 1


def test_guessing_api_keys_is_rate_limited_per_address(
    victim: Victim, own_address: Callable[[], httpx.Client]
) -> None:
    guesser, merchant = own_address(), own_address()
    first = guesser.get("/api/v1/payments", headers=bearer("sk_test_" + "A" * 24))
    assert first.status_code == 401
    assert first.json()["error"]["code"] == "api_key_invalid"

    def guess() -> httpx.Response:
        return guesser.get("/api/v1/payments", headers=bearer("sk_test_" + secrets.token_hex(12)))

    _limited(_refused_until_limited(guess, 300), "rate_limited")
    # The merchant's own server, elsewhere, is not locked out by someone else's guessing.
    assert merchant.get("/api/v1/payments", headers=bearer(victim.secret_key)).status_code == 200


def test_guessing_a_password_is_slowed_down(
    gateway: httpx.Client, mailpit_url: str, own_address: Callable[[], httpx.Client]
) -> None:
    target = sign_up(gateway, mailpit_url, email=unique_email("target"))
    attacker = own_address()

    def wrong_password() -> httpx.Response:
        return attacker.post(
            "/api/v1/auth/login", json={"email": target.email, "password": "wrong-" + PASSWORD}
        )

    assert wrong_password().json()["error"]["code"] == "invalid_credentials"
    _limited(_refused_until_limited(wrong_password, 10), "too_many_attempts")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (
            "/api/v1/auth/register",
            lambda: {"email": unique_email(), "password": "x", "name": "A"},
        ),
        ("/api/v1/auth/password/forgot", lambda: {"email": unique_email()}),
        ("/api/v1/auth/password/reset", lambda: {"token": "x" * 40, "newPassword": PASSWORD}),
    ],
    ids=["registration", "reset email", "password reset"],
)
def test_public_account_routes_are_limited_per_address(
    own_address: Callable[[], httpx.Client],
    path: str,
    body: Callable[[], dict[str, Any]],
) -> None:
    client = own_address()
    # The test profile's cap (devstack/profile.py), then the one past it is refused.
    most = LOCAL_ACCOUNT_LIMIT_PER_MINUTE + 1
    _limited(_refused_until_limited(lambda: client.post(path, json=body()), most), "rate_limited")
    # Another address is not limited by this one.
    assert own_address().post(path, json=body()).status_code != 429


def test_creating_api_keys_is_limited_per_person(
    gateway: httpx.Client, mailpit_url: str, victim: Victim
) -> None:
    path = f"/api/v1/projects/{victim.merchant.project_id}/api-keys"
    # Refused bodies count too: the limit is on asking.
    owner = log_in(gateway, victim.owner.email)
    answer = _refused_until_limited(
        lambda: gateway.post(
            path, json={"type": "secret", "mode": "nope"}, headers=owner.headers()
        ),
        31,
    )
    _limited(answer, "rate_limited")
    # Another person is not limited by this one.
    other = victim.developer
    made = gateway.post(path, json={"type": "publishable", "mode": "test"}, headers=other.headers())
    assert made.status_code == 201, made.text
    SEEN.add(made.json()["secret"])
