"""Keys, databases and the re-seal command for the tests of what each service seals at rest."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pymongo

from devstack.profile import Profile

K1 = "k1:" + "1" * 43
K2 = "k2:" + "2" * 43


@contextmanager
def service_database(profile: Profile, service: str) -> Iterator[str]:
    """A database prefix that outlives the service's restarts within a test; dropped after."""
    prefix = f"{profile.db_prefix}seal{secrets.token_hex(4)}"
    try:
        yield prefix
    finally:
        with pymongo.MongoClient(profile.mongo_url) as client:
            client.drop_database(f"{prefix}_{service}")


def reseal(profile: Profile, service: str, prefix: str, keys: str) -> str:
    """Runs `python -m services.<service>.reseal` as an operator would; what it printed."""
    env = {
        **os.environ,
        "EXPE_ENV": "test",
        "EXPE_MONGO__URL": profile.mongo_url,
        "EXPE_MONGO__DB_PREFIX": prefix,
        "EXPE_SEALING_KEYS": keys,
    }
    done = subprocess.run(
        [sys.executable, "-m", f"services.{service}.reseal"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout
