"""What every command needs: the key and URL to call with, and how to show one object."""

from __future__ import annotations

import argparse
import os

from expe import Expe
from expe._client import DEFAULT_BASE_URL
from expe.cli.config import Config
from expe.cli.output import print_json, print_object
from expe.models import ExpeModel


class UsageError(Exception):
    """The command cannot run as given; the message says what to do."""


def api_url(args: argparse.Namespace, config: Config) -> str:
    return args.api_url or os.environ.get("EXPE_API_URL") or config.api_url or DEFAULT_BASE_URL


def api_key(args: argparse.Namespace, config: Config) -> str:
    key = args.api_key or os.environ.get("EXPE_API_KEY") or config.api_key
    if not key:
        raise UsageError("No API key: run `expe login`, or pass --api-key, or set EXPE_API_KEY.")
    return key


def client_for(args: argparse.Namespace, config: Config) -> Expe:
    return Expe(api_key(args, config), base_url=api_url(args, config))


def show(args: argparse.Namespace, model: ExpeModel) -> None:
    if args.json:
        print_json(model.raw)
    else:
        print_object(model)
