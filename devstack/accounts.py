"""Onboarding through the gateway, as a merchant's developer would: sign up, verify the email,
log in, create a merchant, a project and API keys."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

import httpx

from devstack.waiting import wait_until

PASSWORD = "correct-horse-battery-staple-42"
ADMIN_EMAIL = "admin@example.com"


@dataclass
class Secrets:
    """Every secret a test handled, so the suite can check none reached a log line."""

    values: set[str] = field(default_factory=set)

    def add(self, *values: str) -> None:
        self.values.update(value for value in values if value)


SEEN = Secrets()


def unique_email(label: str = "dev") -> str:
    return f"{label}-{secrets.token_hex(5)}@example.com"


def mail_text(mailpit_url: str, to: str, subject_contains: str) -> str:
    """The text of the newest mail to `to` whose subject contains the phrase."""

    def find() -> str | None:
        found = httpx.get(f"{mailpit_url}/api/v1/search", params={"query": f"to:{to}"}).json()
        for message in found.get("messages", []):
            if subject_contains.lower() in message["Subject"].lower():
                body = httpx.get(f"{mailpit_url}/api/v1/message/{message['ID']}").json()
                return str(body["Text"])
        return None

    return wait_until(find, timeout=20, what=f"a '{subject_contains}' mail to {to}")


def token_in(text: str) -> str:
    match = re.search(r"token=([A-Za-z0-9_\-]+)", text)
    assert match, text
    return match.group(1)


@dataclass
class Session:
    email: str
    user_id: str
    access_token: str
    refresh_token: str

    def headers(self, merchant_id: str | None = None, mode: str = "test") -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.access_token}", "Expe-Mode": mode}
        if merchant_id:
            headers["Expe-Merchant"] = merchant_id
        return headers


def sign_up(gateway: httpx.Client, mailpit_url: str, email: str | None = None) -> Session:
    """Registers, verifies the email from the mail it received, and logs in."""
    email = email or unique_email()
    registered = gateway.post(
        "/api/v1/auth/register", json={"email": email, "password": PASSWORD, "name": "Dev"}
    )
    assert registered.status_code == 201, registered.text
    token = token_in(mail_text(mailpit_url, email, "confirm your email"))
    verified = gateway.post("/api/v1/auth/verify-email", json={"token": token})
    assert verified.status_code == 200, verified.text
    return log_in(gateway, email)


def log_in(gateway: httpx.Client, email: str, password: str = PASSWORD) -> Session:
    response = gateway.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    body = response.json()
    SEEN.add(PASSWORD, body["accessToken"], body["refreshToken"])
    return Session(email, body["user"]["id"], body["accessToken"], body["refreshToken"])


@dataclass
class Merchant:
    owner: Session
    merchant_id: str
    project_id: str


def create_merchant(gateway: httpx.Client, owner: Session) -> Merchant:
    merchant = gateway.post(
        "/api/v1/merchants",
        json={"name": "Chai Point", "country": "IN", "defaultCurrency": "INR"},
        headers=owner.headers(),
    )
    assert merchant.status_code == 201, merchant.text
    merchant_id = merchant.json()["id"]
    project = gateway.post(
        f"/api/v1/merchants/{merchant_id}/projects",
        json={"name": "Web shop"},
        headers=owner.headers(),
    )
    assert project.status_code == 201, project.text
    return Merchant(owner, merchant_id, project.json()["id"])


def create_key(
    gateway: httpx.Client,
    merchant: Merchant,
    *,
    type: str = "secret",
    mode: str = "test",
    ip_allowlist: list[str] | None = None,
) -> dict:
    body: dict = {"type": type, "mode": mode, "name": f"{type} {mode}"}
    if ip_allowlist is not None:
        body["ipAllowlist"] = ip_allowlist
    response = gateway.post(
        f"/api/v1/projects/{merchant.project_id}/api-keys",
        json=body,
        headers=merchant.owner.headers(),
    )
    assert response.status_code == 201, response.text
    key: dict = response.json()
    SEEN.add(key["secret"])
    return key


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def sandbox_account(gateway: httpx.Client, mailpit_url: str) -> dict[str, str]:
    """A new developer with a sandbox merchant and its test-mode keys, as an SDK's suite or a
    guide's reader starts from."""
    owner = sign_up(gateway, mailpit_url)
    merchant = create_merchant(gateway, owner)
    return {
        "apiUrl": str(gateway.base_url).rstrip("/"),
        "email": owner.email,
        "password": PASSWORD,
        "accessToken": owner.access_token,
        "merchantId": merchant.merchant_id,
        "projectId": merchant.project_id,
        "secretKey": create_key(gateway, merchant)["secret"],
        "publishableKey": create_key(gateway, merchant, type="publishable")["secret"],
        "mailpitUrl": mailpit_url,
    }
