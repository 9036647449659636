"""A real uvicorn server in a background thread, for tests that need an HTTP peer in-process."""

from __future__ import annotations

import contextlib
import secrets
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pymongo
import pymongo.database
import uvicorn
from starlette.types import ASGIApp

from devstack.profile import Profile
from devstack.waiting import wait_until
from shared.settings import BaseServiceSettings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serve_in_thread(app: ASGIApp, port: int | None = None, **config: Any) -> Iterator[str]:
    """Serves `app` (lifespan included) on `port` of loopback (a free one when None), with any
    further uvicorn settings (`ssl_certfile=...`); yields its base URL."""
    port = port or free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on", **config)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, timeout=15, what=f"a server on port {port}")
    scheme = "https" if "ssl_certfile" in config else "http"
    try:
        yield f"{scheme}://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


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
    settings = settings_class(
        env="test",
        mongo={"url": profile.mongo_url, "db_prefix": prefix},
        kafka={"bootstrap_servers": profile.kafka_bootstrap},
        redis={"url": profile.redis_url},
        **overrides,
    )
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(
        profile.mongo_url, tz_aware=True
    )
    try:
        with serve_in_thread(create_app(settings)) as url:
            yield Served(url, client[settings.database_name(service)], settings)
    finally:
        for name in client.list_database_names():
            if name.startswith(prefix):
                client.drop_database(name)
        client.close()
