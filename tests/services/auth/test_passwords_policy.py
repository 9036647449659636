"""The password policy: length, common passwords, the email's local part."""

from __future__ import annotations

import pytest

from devstack.profile import Profile
from services.auth.errors import WeakPassword
from services.auth.passwords import check_policy, common_passwords
from tests.services.auth.test_users_helpers import running_auth, unique_email

EMAIL = "asha.rao@example.com"


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("nine char", "at least 10 characters"),
        ("x" * 129, "at most 128 characters"),
        ("qwertyuiop123", "most commonly used"),
        ("QwertyUiop123", "most commonly used"),  # any case
        ("1234567890", "most commonly used"),
        ("asha.rao", "at least 10 characters"),  # too short first
        ("Asha.Rao@example.com", "first part of your email"),
        ("my asha.rao password", "first part of your email"),
        ("MY-ASHA.RAO-PASSWORD", "first part of your email"),
    ],
)
def test_each_rule_refuses_with_a_message_naming_it(password: str, rule: str) -> None:
    with pytest.raises(WeakPassword) as refused:
        check_policy(password, EMAIL)
    assert rule in refused.value.message
    assert refused.value.param == "password"


@pytest.mark.parametrize(
    ("password", "email"),
    [
        ("ten chars!", EMAIL),
        ("y" * 128, EMAIL),
        ("jolly good fellows", "jo@example.com"),  # a two-letter local part is no clue
        ("rao's plain passphrase", EMAIL),  # part of the local part is fine
    ],
)
def test_passwords_within_the_rules_pass(password: str, email: str) -> None:
    check_policy(password, email)


def test_the_bundled_list_holds_a_few_hundred_passwords_long_enough_to_matter() -> None:
    passwords = common_passwords()
    assert 300 <= len(passwords) <= 2000
    assert all(len(p) >= 10 and p == p.lower() for p in passwords)
    assert {"password123", "1q2w3e4r5t", "iloveyou123"} <= passwords


def test_registration_applies_the_policy(serve, profile: Profile) -> None:
    email = unique_email("policy")
    local_part = email.split("@")[0]
    with running_auth(serve, profile) as auth:
        responses = {
            "short": auth.register(email, "short"),
            "long": auth.register(email, "z" * 129),
            "common": auth.register(email, "Password123"),
            "email": auth.register(email, f"{local_part}!!"),
        }
        accepted = auth.register(email, "an entirely unremarkable phrase")

    for response in responses.values():
        assert response.status_code == 400
        error = response.json()["error"]
        assert (error["code"], error["param"]) == ("weak_password", "password")
    messages = {name: r.json()["error"]["message"] for name, r in responses.items()}
    assert "at least 10" in messages["short"]
    assert "at most 128" in messages["long"]
    assert "commonly used" in messages["common"]
    assert "email" in messages["email"]
    assert accepted.status_code == 201
