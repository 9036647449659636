"""Factories the merchant, member, project, API key, internal and audit tests share (no tests).

Each test runs the auth service in-process on its own database and calls it as the gateway would,
signing the identity of whoever acts: made-up users, each with a fresh id and email address.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from devstack.profile import Profile
from devstack.waiting import wait_until
from services.auth.app import create_app
from services.auth.settings import AuthSettings
from shared.identity import Caller
from shared.ids import new_id
from tests.services.auth.test_users_helpers import auth_settings
from tests.signing import GATEWAY, AsGateway

_TOKEN_LINE = re.compile(r"^(inv_[A-Za-z0-9]+_[A-Za-z0-9]+)\r?$", re.MULTILINE)


@contextmanager
def auth_service(serve: Callable[..., Any], profile: Profile, **overrides: Any) -> Iterator[str]:
    """The auth service on a fresh database, sending its mail to the test Mailpit."""
    with serve(create_app, AuthSettings, **auth_settings(profile, **overrides)) as url:
        yield url


class User:
    """A logged-in person calling the auth service through the gateway."""

    def __init__(
        self,
        url: str,
        *,
        email: str | None = None,
        email_verified: bool = True,
        platform_admin: bool = False,
    ) -> None:
        self.id = new_id("usr")
        self.email = email or f"u{secrets.token_hex(6)}@example.test"
        self.caller = Caller(
            kind="user",
            ip="198.51.100.20",
            user_id=self.id,
            email=self.email,
            email_verified=email_verified,
            platform_admin=platform_admin,
            session_id=new_id("ses"),
        )
        self.url = url
        self.auth = AsGateway(self.caller)

    def after_verifying_email(self) -> User:
        """The same person once they verified their email address (a new access token)."""
        again = User(self.url, email=self.email, email_verified=True)
        again.id = self.id
        again.caller = self.caller.model_copy(update={"email_verified": True})
        again.auth = AsGateway(again.caller)
        return again

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return httpx.request(method, f"{self.url}{path}", auth=self.auth, timeout=15, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, json=body, **kwargs)

    def patch(self, path: str, body: Any, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", path, json=body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)


def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def error_code(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def create_merchant(user: User, name: str = "Chai Point", **fields: Any) -> dict[str, Any]:
    body = {"name": name, "country": "IN", "defaultCurrency": "INR", **fields}
    return created(user.post("/api/v1/merchants", body))


def verify_merchant(url: str, merchant_id: str) -> dict[str, Any]:
    admin = User(url, platform_admin=True)
    return ok(admin.post(f"/api/v1/admin/merchants/{merchant_id}/verify"))


def create_project(user: User, merchant_id: str, name: str = "Web shop") -> dict[str, Any]:
    return created(user.post(f"/api/v1/merchants/{merchant_id}/projects", {"name": name}))


def create_key(user: User, project_id: str, **fields: Any) -> dict[str, Any]:
    body = {"type": "secret", "mode": "test", **fields}
    return created(user.post(f"/api/v1/projects/{project_id}/api-keys", body))


def resolve(url: str, key: str) -> httpx.Response:
    """Asks the auth service what `key` stands for, as the gateway does."""
    return httpx.post(
        f"{url}/internal/v1/api-keys/resolve", json={"key": key}, auth=AsGateway(GATEWAY)
    )


def invitation_mail(profile: Profile, email: str) -> str:
    """The text of the invitation Mailpit received for `email` (waits for it to arrive)."""

    def message_text() -> str | None:
        found = httpx.get(
            f"{profile.mailpit_url}/api/v1/search", params={"query": f'to:"{email}"'}
        ).json()
        if not found["messages"]:
            return None
        message_id = found["messages"][0]["ID"]
        text: str = httpx.get(f"{profile.mailpit_url}/api/v1/message/{message_id}").json()["Text"]
        return text

    return wait_until(message_text, timeout=15, what=f"an invitation mail to {email}")


def token_in(mail: str) -> str:
    """The invitation token, which the mail gives on a line of its own."""
    match = _TOKEN_LINE.search(mail)
    assert match, mail
    return match.group(1)


def invitation_token(profile: Profile, email: str) -> str:
    return token_in(invitation_mail(profile, email))


def join(
    owner: User, merchant_id: str, member: User, profile: Profile, role: str = "developer"
) -> dict[str, Any]:
    """Invites `member` by email and accepts the mailed invitation as them."""
    created(
        owner.post(
            f"/api/v1/merchants/{merchant_id}/members", {"email": member.email, "role": role}
        )
    )
    token = invitation_token(profile, member.email)
    return ok(member.post("/api/v1/invitations/accept", {"token": token}))
