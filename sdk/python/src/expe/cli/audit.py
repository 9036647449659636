"""`expe audit`: export a merchant's audit log (an owner's dashboard session is needed: the log
is theirs only), and verify an export offline, with nothing but the file."""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import httpx

from expe.audit import verify_lines
from expe.cli.config import Config
from expe.cli.context import UsageError, api_url
from expe.cli.output import print_json


def export(args: argparse.Namespace, config: Config) -> int:
    token = args.access_token or os.environ.get("EXPE_ACCESS_TOKEN")
    if not token:
        raise UsageError(
            "The audit log is its owners' only: pass --access-token or set EXPE_ACCESS_TOKEN "
            "to an owner's dashboard access token."
        )
    url = f"{api_url(args, config).rstrip('/')}/api/v1/merchants/{args.merchant}/audit-logs/export"
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.stream("GET", url, headers=headers, timeout=60) as answer:
        if answer.status_code != 200:
            answer.read()
            print(f"error: the API answered {answer.status_code}: {answer.text}", file=sys.stderr)
            return 1
        written = 0
        # Standard output is the process's own: written to, never closed.
        target = Path(args.output).open("wb") if args.output else nullcontext(sys.stdout.buffer)
        with target as out:
            for line in answer.iter_lines():
                out.write(line.encode() + b"\n")
                written += 1
    if args.output:
        print(f"{written} entries written to {args.output}.", file=sys.stderr)
    return 0


def verify(args: argparse.Namespace, config: Config) -> int:
    del config
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"No file {path}.")
    with path.open(encoding="utf-8") as lines:
        result = verify_lines(lines)
    if args.json:
        print_json({"valid": result.valid, "entries": result.entries, "brokenAt": result.broken_at})
    elif result.valid:
        print(f"valid: {result.entries} entries, each unchanged and in order.")
    else:
        print(
            f"broken at entry {result.broken_at}: it was changed, removed or moved "
            f"({result.entries} entries hold before it)."
        )
    return 0 if result.valid else 1


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    audit = commands.add_parser("audit", help="export and verify a merchant's audit log")
    actions = audit.add_subparsers(dest="action", required=True, metavar="ACTION")
    exporting = actions.add_parser(
        "export", parents=[common], help="the merchant's audit log as JSON Lines"
    )
    exporting.add_argument("--merchant", required=True, metavar="ID", help="e.g. mer_…")
    exporting.add_argument(
        "--access-token", help="an owner's dashboard access token (default: EXPE_ACCESS_TOKEN)"
    )
    exporting.add_argument("--output", "-o", metavar="FILE", help="default: standard output")
    exporting.set_defaults(run=export)
    checking = actions.add_parser(
        "verify", parents=[common], help="check an exported audit log, offline"
    )
    checking.add_argument("file", metavar="FILE", help="a file `expe audit export` wrote")
    checking.set_defaults(run=verify)
