"""What the account tests share: the auth service on the test infrastructure, a client that
speaks as the gateway would, and reading the emails the service sends from Mailpit.

(No tests here; the name only keeps it among the account tests.)
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import jwt

from devstack.profile import Profile
from devstack.waiting import wait_until
from services.auth.app import create_app
from services.auth.settings import AuthSettings
from shared.identity import Caller
from tests.signing import AsGateway

# Argon2 at production cost takes most of a second on this machine; tests about cost say so.
CHEAP_HASH = {"time_cost": 1, "memory_cost_kib": 1024, "parallelism": 1}
PASSWORD = "correct horse battery staple 42"
PUBLIC_URL = "http://dashboard.expe.test"
# Tests of the API alone take no webhook notices: the consumer group is shared with the auth
# process of the e2e mesh, whose notices a service under test would take and refuse.
API_ONLY = {"consume": False}


def unique_email(tag: str = "user") -> str:
    return f"{tag}-{secrets.token_hex(6)}@example.com"


def unique_ip() -> str:
    # Redis counters outlive a test: each test fails logins from an address of its own.
    return f"2001:db8:{secrets.token_hex(2)}:{secrets.token_hex(2)}::1"


def auth_settings(profile: Profile, **overrides: Any) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "smtp": {"host": "127.0.0.1", "port": profile.port("EXPE_MAILPIT_SMTP_PORT")},
        "password_hash": CHEAP_HASH,
        "public_url": PUBLIC_URL,
        "notices": API_ONLY,
    }
    settings.update(overrides)
    return settings


class Mailbox:
    """The emails Mailpit received for one address."""

    def __init__(self, mailpit_url: str, address: str) -> None:
        self.url = mailpit_url
        self.address = address

    def texts(self, subject: str = "") -> list[str]:
        found = httpx.get(
            f"{self.url}/api/v1/search", params={"query": f'to:"{self.address}"'}, timeout=5
        ).json()["messages"]
        return [
            httpx.get(f"{self.url}/api/v1/message/{message['ID']}", timeout=5).json()["Text"]
            for message in found
            if subject in message["Subject"]
        ]

    def wait_for(self, subject: str, count: int = 1) -> list[str]:
        """Waits until `count` emails with `subject` in their subject have arrived."""
        return wait_until(
            lambda: (texts := self.texts(subject)) and len(texts) >= count and texts,
            timeout=15,
            what=f"{count} email(s) '{subject}' to {self.address}",
        )


def token_in(text: str, page: str) -> str:
    """The token of the link to `page` in an email."""
    match = re.search(rf"{re.escape(PUBLIC_URL)}/{page}\?token=([A-Za-z0-9_\-]+)", text)
    assert match, text
    token = match.group(1)
    assert token in text.splitlines(), "the token also stands on a line of its own"
    return token


class AuthApi:
    """The auth service as the gateway reaches it, for anonymous callers and logged-in users."""

    def __init__(self, url: str, mailpit_url: str, ip: str | None = None) -> None:
        self.url = url
        self.mailpit_url = mailpit_url
        self.ip = ip or unique_ip()

    def mailbox(self, address: str) -> Mailbox:
        return Mailbox(self.mailpit_url, address)

    def call(
        self,
        method: str,
        path: str,
        *,
        caller: Caller | None = None,
        json: Any = None,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        caller = caller or Caller(kind="anonymous", ip=self.ip)
        return httpx.request(
            method,
            f"{self.url}{path}",
            json=json,
            params=params,
            auth=AsGateway(caller),
            headers={"User-Agent": "expe-tests"},
            timeout=30,
        )

    def post(self, path: str, json: Any = None, *, caller: Caller | None = None) -> httpx.Response:
        return self.call("POST", f"/api/v1/auth{path}", caller=caller, json=json)

    def get(
        self, path: str, *, caller: Caller, params: dict[str, Any] | None = None
    ) -> httpx.Response:
        return self.call("GET", f"/api/v1/auth{path}", caller=caller, params=params)

    # -- flows -----------------------------------------------------------------------------

    def register(
        self, email: str, password: str = PASSWORD, name: str = "Asha Rao"
    ) -> httpx.Response:
        return self.post("/register", {"email": email, "password": password, "name": name})

    def registered(self, email: str, password: str = PASSWORD) -> dict[str, Any]:
        response = self.register(email, password)
        assert response.status_code == 201, response.text
        user: dict[str, Any] = response.json()["user"]
        return user

    def verified(self, email: str, password: str = PASSWORD) -> dict[str, Any]:
        """Registers and follows the link in the verification email."""
        self.registered(email, password)
        (text,) = self.mailbox(email).wait_for("Confirm your email")
        response = self.post("/verify-email", {"token": token_in(text, "verify-email")})
        assert response.status_code == 200, response.text
        user: dict[str, Any] = response.json()["user"]
        return user

    def login(self, email: str, password: str = PASSWORD, **codes: str) -> httpx.Response:
        return self.post("/login", {"email": email, "password": password, **codes})

    def logged_in(self, email: str, password: str = PASSWORD, **codes: str) -> dict[str, Any]:
        response = self.login(email, password, **codes)
        assert response.status_code == 200, response.text
        tokens: dict[str, Any] = response.json()
        return tokens

    def as_user(self, tokens: dict[str, Any]) -> Caller:
        """The caller the gateway would make of this access token."""
        claims = jwt.decode(tokens["accessToken"], options={"verify_signature": False})
        return Caller(
            kind="user",
            ip=self.ip,
            user_id=claims["sub"],
            email=claims["email"],
            email_verified=claims["ev"],
            platform_admin=claims["adm"],
            session_id=claims["sid"],
        )


def without_request_id(response: httpx.Response) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    body["error"].pop("requestId")
    return body


@contextmanager
def running_auth(
    serve: Callable[..., Any], profile: Profile, **overrides: Any
) -> Iterator[AuthApi]:
    with serve(create_app, AuthSettings, **auth_settings(profile, **overrides)) as url:
        yield AuthApi(url, profile.mailpit_url)
