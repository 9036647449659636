"""An error code means one thing: every error class that answers a code answers it with the same
status, so a client can rely on the code. One fact may come in two types (`insufficient_funds`
is a `card_error` for a card and a `payment_error` for a wallet); the status stays the same."""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict

import gateway
import services
import shared
from shared.errors import ExpeError


def every_error_class() -> set[type[ExpeError]]:
    for package in (shared, services, gateway):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            importlib.import_module(module.name)
    found: set[type[ExpeError]] = set()
    pending = [ExpeError]
    while pending:
        for subclass in pending.pop().__subclasses__():
            found.add(subclass)
            pending.append(subclass)
    return found


def test_each_code_has_one_status() -> None:
    statuses: dict[str, set[int]] = defaultdict(set)
    for error in every_error_class():
        statuses[error.code].add(error.status_code)
    assert len(statuses) > 50
    assert {code: found for code, found in statuses.items() if len(found) > 1} == {}
