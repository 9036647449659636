"""Services served in-process for tests, each on a database of its own."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pymongo
import pymongo.database
from starlette.types import ASGIApp

from devstack.profile import Profile
from devstack.serving import serve_in_thread
from shared.settings import BaseServiceSettings

SettingsT = TypeVar("SettingsT", bound=BaseServiceSettings)


@dataclass(frozen=True)
class Served(Generic[SettingsT]):
    url: str
    # The service's own database (dropped when it stops).
    db: pymongo.database.Database[dict[str, Any]]
    settings: SettingsT


@contextlib.contextmanager
def on_own_database(
    profile: Profile,
    create_app: Callable[[SettingsT], ASGIApp],
    settings_class: type[SettingsT],
    service: str,
    **overrides: Any,
) -> Iterator[Served[SettingsT]]:
    """Serves a service app on a fresh database of its own (a random prefix), on the test
    profile's infrastructure; drops the database afterwards."""
    prefix = f"{profile.db_prefix}svc{secrets.token_hex(4)}"
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(
        profile.mongo_url, tz_aware=True
    )
    try:
        with on_database(profile, prefix, create_app, settings_class, service, **overrides) as on:
            yield on
    finally:
        for name in client.list_database_names():
            if name.startswith(prefix):
                client.drop_database(name)
        client.close()


@contextlib.contextmanager
def on_database(
    profile: Profile,
    prefix: str,
    create_app: Callable[[SettingsT], ASGIApp],
    settings_class: type[SettingsT],
    service: str,
    **overrides: Any,
) -> Iterator[Served[SettingsT]]:
    """Serves a service app on the databases named by `prefix`, kept afterwards: a test that
    restarts a service with other settings serves it again on the same prefix."""
    settings = settings_class(
        env="test",
        mongo={"url": profile.mongo_url, "db_prefix": prefix},
        kafka={"bootstrap_servers": profile.kafka_bootstrap},
        redis={"url": profile.redis_url},
        **overrides,
    )
    with (
        pymongo.MongoClient[dict[str, Any]](profile.mongo_url, tz_aware=True) as client,
        serve_in_thread(create_app(settings)) as url,
    ):
        yield Served(url, client[settings.database_name(service)], settings)
