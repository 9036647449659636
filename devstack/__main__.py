"""`python -m devstack up run`: starts the mesh of a profile and keeps it up until Ctrl-C.

`python -m devstack stop run` stops what `devstack up run` started, by the pids it recorded
(`make stop`, which then stops the infrastructure the same way).

`python -m devstack env test` prints the profile's settings as shell exports.

`python -m devstack account run` signs a new developer up on the running stack and prints, as
JSON, a sandbox merchant with its test-mode secret and publishable keys.

`python -m devstack openapi PATH` writes the API's OpenAPI document to PATH, built in-process
(devstack/openapi.py): no stack needs to run.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading

import httpx

from devstack import pids
from devstack.accounts import sandbox_account
from devstack.profile import PROCESSES, Profile
from devstack.stack import Stack


def _launcher_marker(profile: Profile) -> str:
    return f"devstack up {profile.name}"


def up(profile: Profile) -> int:
    stack = Stack(profile, console=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    pids.record(profile.data_dir, "devstack", os.getpid())
    try:
        stack.start()
        print("\nExpe is up:", flush=True)
        print(f"  {'dashboard':<14} {profile.process_url('gateway')}/", flush=True)
        for name in PROCESSES:
            print(f"  {name:<14} {profile.process_url(name)}", flush=True)
        print(f"  {'mail (Mailpit)':<14} {profile.mailpit_url}", flush=True)
        if profile.observed:
            print(f"  {'Prometheus':<14} {profile.prometheus_url}", flush=True)
            print(
                f"  {'Jaeger':<14} {profile.jaeger_url}/api/traces?service=expe-gateway", flush=True
            )
        print(f"  logs in {profile.data_dir / 'logs'}; Ctrl-C stops everything.\n", flush=True)
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        print("\nstopping the services...", flush=True)
        stack.stop()
        pids.forget(profile.data_dir, "devstack")
    return 0


def stop(profile: Profile) -> int:
    """The launcher first (it stops its processes gracefully), then any process it left."""
    stopped = pids.stop(profile.data_dir, "devstack", _launcher_marker(profile), timeout=60)
    if stopped is not None:
        print(f"devstack: stopped (pid {stopped})")
    for name, process in Stack(profile).processes.items():
        if (pid := pids.stop(profile.data_dir, name, process.marker)) is not None:
            print(f"{name}: stopped (pid {pid})")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="devstack")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("up", "stop", "env", "account"):
        commands.add_parser(name).add_argument("profile", choices=["run", "test", "bench"])
    commands.add_parser("openapi").add_argument("path", help="where to write it; - prints it")
    args = parser.parse_args()
    if args.command == "openapi":
        # Imported here: it loads every service's code, which the other commands never need.
        from devstack.openapi import write_document

        write_document(args.path)
        return 0
    profile = Profile.load(args.profile)
    if args.command == "env":
        for key, value in {**profile.values, **profile.infra_env()}.items():
            print(f"export {key}={value}")
        return 0
    if args.command == "account":
        with httpx.Client(base_url=profile.process_url("gateway"), timeout=15) as gateway:
            print(json.dumps(sandbox_account(gateway, profile.mailpit_url), indent=2))
        return 0
    if args.command == "stop":
        return stop(profile)
    return up(profile)


if __name__ == "__main__":
    sys.exit(main())
