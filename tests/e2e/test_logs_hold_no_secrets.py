"""No password, token or API key the tests used is in any log line, neither in the services' logs
nor in the infrastructure's, and no email address or phone number is there whole; a clean start
logged no error."""

from __future__ import annotations

import httpx
import pytest

from devstack.accounts import SEEN, bearer, log_in, sign_up, unique_email
from devstack.profile import Profile
from devstack.stack import Stack
from devstack.waiting import wait_until
from tests.e2e.conftest import StartLogs, new_account

pytestmark = pytest.mark.e2e

CUSTOMER_PHONE = "+919876543210"
VISA_OK = {"number": "4242424242424242", "expMonth": 12, "expYear": 2040, "cvc": "123"}


def _logs(profile: Profile) -> dict[str, list[str]]:
    return {
        path.name: path.read_text(errors="replace").splitlines()
        for path in sorted((profile.data_dir / "logs").glob("*.log"))
    }


def _people_handled(gateway: httpx.Client, mailpit_url: str) -> tuple[list[str], str]:
    """Drives flows that carry an email and a phone number: signing up, logging in (once with a
    wrong password), a payment whose customer has an email and a phone, and requests whose paths
    hold them. Returns the personal data used and the id of the last request."""
    developer = sign_up(gateway, mailpit_url, unique_email("privacy"))
    wrong = gateway.post(
        "/api/v1/auth/login", json={"email": developer.email, "password": "not-the-password-1"}
    )
    assert wrong.status_code == 401
    owner = log_in(gateway, developer.email)
    account = new_account(gateway, owner)
    customer_email = unique_email("customer")
    created = gateway.post(
        "/api/v1/payments",
        json={
            "amount": 25_000,
            "currency": "INR",
            "orderId": f"order-{customer_email}",
            "description": f"Tea for {customer_email}, call {CUSTOMER_PHONE}",
            "customer": {"email": customer_email},
            "metadata": {"phone": CUSTOMER_PHONE},
        },
        headers={**bearer(account.secret_key), "Idempotency-Key": customer_email},
    )
    assert created.status_code == 201, created.text
    payment = created.json()
    confirmed = gateway.post(
        f"/api/v1/checkout/payments/{payment['id']}/confirm",
        json={"method": "card", "card": VISA_OK},
        headers={"Expe-Client-Secret": payment["clientSecret"]},
    )
    assert confirmed.status_code == 200, confirmed.text
    # The access logs write the path of every request, whatever it holds.
    for looked_up in (customer_email, CUSTOMER_PHONE):
        missing = gateway.get(f"/api/v1/payments/{looked_up}", headers=bearer(account.secret_key))
        assert missing.status_code == 404
    return [developer.email, customer_email, CUSTOMER_PHONE], missing.headers["X-Request-ID"]


def test_no_secret_and_no_whole_email_or_phone_reached_any_log(
    profile: Profile, stack: Stack, gateway: httpx.Client, mailpit_url: str
) -> None:
    people, last_request = _people_handled(gateway, mailpit_url)
    assert len(SEEN.values) >= 5, "the run should have handled passwords, tokens and keys"
    wait_until(
        lambda: any(last_request in line for line in stack["gateway"].log_lines()),
        timeout=20,
        what="the gateway to log the last request",
    )
    logs = _logs(profile)
    assert {"gateway.log", "auth.log", "kafka.log", "store.log"} <= set(logs)
    gateway_lines = "\n".join(logs["gateway.log"])
    leaks = {
        (name, value[:10])
        for name, lines in logs.items()
        for line in lines
        for value in (*SEEN.values, *people)
        if value in line
    }
    assert not leaks
    # Masked, the lines still tell the requests apart.
    assert f"{people[1][0]}***@example.com" in gateway_lines
    assert "+91******3210" in gateway_lines


def test_a_clean_start_logs_no_error(start_logs: StartLogs) -> None:
    errors = [
        (name, line[:300])
        for name, lines in start_logs.lines.items()
        for line in lines
        if '"level":"error"' in line
    ]
    assert len(start_logs.lines) == 7 and all(start_logs.lines.values())
    assert errors == []
