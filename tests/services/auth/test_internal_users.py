"""The internal users-by-email route: other services ask who an email belongs to."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from devstack.profile import Profile
from shared.identity import Caller, service_caller
from tests.services.auth.test_users_helpers import AuthApi, running_auth, unique_email
from tests.signing import ANONYMOUS, GATEWAY, AsGateway

WALLET = service_caller("wallet")


@pytest.fixture
def auth(serve: Callable[..., Any], profile: Profile) -> Iterator[AuthApi]:
    with running_auth(serve, profile) as api:
        yield api


def by_email(auth: AuthApi, email: str, caller: Caller = WALLET) -> httpx.Response:
    return httpx.get(
        f"{auth.url}/internal/v1/users/by-email/{email}", auth=AsGateway(caller), timeout=15
    )


def test_a_registered_email_gives_the_user_and_whether_it_is_verified(auth: AuthApi) -> None:
    pending = auth.registered(unique_email("pending"))
    verified_email = unique_email("verified")
    verified = auth.verified(verified_email)

    found_pending = by_email(auth, pending["email"])
    found_verified = by_email(auth, verified_email)

    assert found_pending.status_code == 200, found_pending.text
    assert found_pending.json() == {"userId": pending["id"], "emailVerified": False}
    assert found_verified.json() == {"userId": verified["id"], "emailVerified": True}


def test_the_email_is_normalized_as_registration_does(auth: AuthApi) -> None:
    email = unique_email("Mixed.Case")
    user = auth.registered(email)

    shouted = by_email(auth, email.upper())
    padded = by_email(auth, f"  {email.replace('example.com', 'Example.COM')} ")

    for response in (shouted, padded):
        assert response.status_code == 200, response.text
        assert response.json()["userId"] == user["id"]


def test_an_unknown_email_is_not_found(auth: AuthApi) -> None:
    auth.registered(unique_email("someone"))

    for email in (unique_email("nobody"), "not-an-email", "usr_none"):
        response = by_email(auth, email)
        assert response.status_code == 404, response.text
        assert response.json()["error"]["code"] == "user_not_found"


def test_only_services_may_ask(auth: AuthApi) -> None:
    email = unique_email("private")
    user = auth.registered(email)
    as_user = Caller(kind="user", user_id=user["id"], email=email, email_verified=True)

    refused = [by_email(auth, email, caller) for caller in (as_user, ANONYMOUS, GATEWAY)]
    unsigned = httpx.get(f"{auth.url}/internal/v1/users/by-email/{email}", timeout=15)

    assert [r.status_code for r in refused] == [403, 403, 403]
    assert {r.json()["error"]["code"] for r in refused} == {"permission_denied"}
    assert unsigned.status_code == 401
    assert unsigned.json()["error"]["code"] == "invalid_internal_signature"
