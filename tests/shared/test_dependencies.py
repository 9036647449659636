"""Every dependency of every route is a coroutine: FastAPI runs a plain `def` dependency in a
worker thread, a thread handoff (and a wait for a free thread under load) per dependency per
request, for functions that only read request state or build an object."""

import importlib
import inspect
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from gateway.app import create_app as create_gateway

SERVICES = ("auth", "payments", "wallet", "webhooks", "analytics", "subscriptions")


def _apps() -> Iterator[tuple[str, FastAPI]]:
    yield "gateway", create_gateway()
    for name in SERVICES:
        module = importlib.import_module(f"services.{name}.app")
        yield name, module.create_app()


def _sync_dependencies(dependant: Dependant) -> Iterator[str]:
    for sub in dependant.dependencies:
        call = sub.call
        if call is not None and not (
            inspect.iscoroutinefunction(call) or inspect.isasyncgenfunction(call)
        ):
            yield getattr(call, "__qualname__", repr(call))
        yield from _sync_dependencies(sub)


@pytest.mark.parametrize(("name", "app"), list(_apps()))
def test_no_route_waits_for_a_worker_thread_to_resolve_its_dependencies(
    name: str, app: FastAPI
) -> None:
    found = {
        f"{route.path}: {dependency}"
        for route in app.routes
        if isinstance(route, APIRoute)
        for dependency in _sync_dependencies(route.dependant)
    }
    assert not found, f"{name} has plain `def` dependencies"
