"""The clients openapi-generator writes from the API's document, as `make openapi-clients` does:
the document built in-process (no stack), every config in deploy/local/codegen/clients."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from devstack.openapi import merged_document
from devstack.profile import REPO

CONFIGS = REPO / "deploy" / "local" / "codegen" / "clients"
GENERATOR = REPO / "deploy" / "local" / "openapi-generator.sh"


def run_tool(command: list[str | Path], cwd: Path, timeout: float = 150) -> None:
    """Runs a generator or a compiler; its output becomes the failure message."""
    done = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    shown = " ".join(str(part) for part in command)
    assert done.returncode == 0, f"{shown} in {cwd}:\n{done.stdout[-8000:]}{done.stderr[-8000:]}"


@pytest.fixture(scope="session")
def clients(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding openapi.json and one generated client per config, named as its config."""
    folder = tmp_path_factory.mktemp("openapi-clients")
    (folder / "openapi.json").write_text(json.dumps(merged_document(), indent=2))
    configs = sorted(CONFIGS.glob("*.yaml"))
    run_tool([GENERATOR, "batch", "--fail-fast", *configs], cwd=folder)
    return folder
