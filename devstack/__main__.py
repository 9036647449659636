"""`python -m devstack up run`: starts the mesh of a profile and keeps it up until Ctrl-C.

`python -m devstack env test` prints the profile's settings as shell exports.

`python -m devstack account run` signs a new developer up on the running stack and prints, as
JSON, a sandbox merchant with its test-mode secret and publishable keys.

`python -m devstack openapi PATH` writes the API's OpenAPI document to PATH, built in-process
(devstack/openapi.py): no stack needs to run.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

import httpx

from devstack.accounts import sandbox_account
from devstack.profile import PROCESSES, Profile
from devstack.stack import Stack


def up(profile: Profile) -> int:
    stack = Stack(profile, console=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stack.start()
        print("\nExpe is up:", flush=True)
        print(f"  {'dashboard':<14} {profile.process_url('gateway')}/", flush=True)
        for name in PROCESSES:
            print(f"  {name:<14} {profile.process_url(name)}", flush=True)
        print(f"  {'mail (Mailpit)':<14} {profile.mailpit_url}", flush=True)
        print(f"  logs in {profile.data_dir / 'logs'}; Ctrl-C stops everything.\n", flush=True)
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        print("\nstopping the services...", flush=True)
        stack.stop()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="devstack")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("up", "env", "account"):
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
    return up(profile)


if __name__ == "__main__":
    sys.exit(main())
