"""Service tests: one service app in this process, on the test profile's real infrastructure."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pymongo
import pytest
from fastapi import FastAPI

from devstack.profile import Profile
from shared.settings import BaseServiceSettings
from tests.servers import serve_in_thread

pytestmark = pytest.mark.infra


@pytest.fixture
def serve(profile: Profile) -> Callable[..., Any]:
    """`with serve(create_app, SettingsClass, **overrides) as url:` runs the service on a fresh
    database of its own, dropped afterwards."""

    @contextmanager
    def run(
        create_app: Callable[[BaseServiceSettings], FastAPI],
        settings_class: type[BaseServiceSettings] = BaseServiceSettings,
        **overrides: Any,
    ) -> Iterator[str]:
        prefix = f"{profile.db_prefix}svc{secrets.token_hex(4)}"
        settings = settings_class(
            env="test",
            mongo={"url": profile.mongo_url, "db_prefix": prefix},
            kafka={"bootstrap_servers": profile.kafka_bootstrap},
            redis={"url": profile.redis_url},
            **overrides,
        )
        try:
            with serve_in_thread(create_app(settings)) as url:
                yield url
        finally:
            with pymongo.MongoClient(profile.mongo_url) as client:
                for name in client.list_database_names():
                    if name.startswith(prefix):
                        client.drop_database(name)

    return run
