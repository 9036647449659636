"""Passwords are stored as argon2id hashes, re-hashed at a user's next login when the cost rises."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import argon2
import pymongo
import pytest

from devstack.profile import Profile
from devstack.serving import serve_in_thread
from services.auth.app import create_app
from services.auth.settings import AuthSettings, PasswordHashSettings
from tests.services.auth.test_users_helpers import (
    CHEAP_HASH,
    PASSWORD,
    AuthApi,
    auth_settings,
    unique_email,
)

pytestmark = pytest.mark.infra


@pytest.fixture
def database(profile: Profile) -> Iterator[str]:
    """One database prefix for several apps in turn (the `serve` fixture makes one per app)."""
    prefix = f"{profile.db_prefix}svc{secrets.token_hex(4)}"
    yield prefix
    with pymongo.MongoClient(profile.mongo_url) as client:
        for name in client.list_database_names():
            if name.startswith(prefix):
                client.drop_database(name)


@contextmanager
def running(profile: Profile, prefix: str, **overrides: Any) -> Iterator[AuthApi]:
    settings = AuthSettings(
        env="test",
        mongo={"url": profile.mongo_url, "db_prefix": prefix},
        kafka={"bootstrap_servers": profile.kafka_bootstrap},
        redis={"url": profile.redis_url},
        **auth_settings(profile, **overrides),
    )
    with serve_in_thread(create_app(settings)) as url:
        yield AuthApi(url, profile.mailpit_url)


def stored_hash(profile: Profile, prefix: str, user_id: str) -> str:
    with pymongo.MongoClient(profile.mongo_url) as client:
        user = client[f"{prefix}_auth"]["users"].find_one({"_id": user_id})
    assert user is not None
    return str(user["passwordHash"])


def test_raising_the_cost_rehashes_each_password_at_its_next_login(
    profile: Profile, database: str
) -> None:
    email = unique_email("rehash")
    with running(profile, database, password_hash=CHEAP_HASH) as auth:
        user_id = auth.registered(email)["id"]
    cheap = stored_hash(profile, database, user_id)

    production = PasswordHashSettings()  # the cost this test is about: the real one
    with running(profile, database, password_hash=production.model_dump()) as auth:
        wrong = auth.login(email, "not the password, at any cost")
        after_wrong = stored_hash(profile, database, user_id)
        auth.logged_in(email)
        upgraded = stored_hash(profile, database, user_id)
        auth.logged_in(email)
        unchanged = stored_hash(profile, database, user_id)

    assert cheap.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    assert wrong.status_code == 401
    assert after_wrong == cheap  # only a correct password is re-hashed
    cost = production
    assert upgraded.startswith(
        f"$argon2id$v=19$m={cost.memory_cost_kib},t={cost.time_cost},p={cost.parallelism}$"
    )
    assert argon2.PasswordHasher().verify(upgraded, PASSWORD)
    assert unchanged == upgraded  # at the current cost already: left alone
