"""The mesh's boundaries: a service imports `shared` and never another service."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from devstack.profile import REPO, SERVICES


def imported_modules(package: Path) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                found.update((str(path.relative_to(REPO)), alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add((str(path.relative_to(REPO)), node.module))
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_service_imports_no_other_service(service: str) -> None:
    others = {f"services.{name}" for name in SERVICES if name != service}
    offending = {
        (path, module)
        for path, module in imported_modules(REPO / "services" / service)
        if any(module == other or module.startswith(f"{other}.") for other in others)
    }
    assert not offending


@pytest.mark.parametrize("package", ["shared", "gateway"])
def test_shared_and_gateway_import_no_service(package: str) -> None:
    offending = {
        (path, module)
        for path, module in imported_modules(REPO / package)
        if module == "services" or module.startswith("services.")
    }
    assert not offending


def test_every_service_package_exists_with_an_app_factory() -> None:
    for service in SERVICES:
        assert (REPO / "services" / service / "app.py").is_file()
