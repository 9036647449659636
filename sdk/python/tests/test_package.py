"""The package as published: it type-checks strictly, and builds as an sdist and a wheel."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import expe

ROOT = Path(__file__).parents[1]


def _run(*command: str, timeout: float) -> None:
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]


@pytest.mark.timeout(300)
def test_the_package_and_its_typed_usage_pass_mypy_strict() -> None:
    _run(sys.executable, "-m", "mypy", "src/expe", "tests/typing_usage.py", timeout=280)


@pytest.mark.timeout(600)
def test_the_sdist_and_the_wheel_build(tmp_path: Path) -> None:
    _run(sys.executable, "-m", "build", "--outdir", str(tmp_path), ".", timeout=580)
    version = expe.__version__
    with zipfile.ZipFile(tmp_path / f"expe-{version}-py3-none-any.whl") as wheel:
        names = set(wheel.namelist())
        assert {"expe/__init__.py", "expe/py.typed", "expe/cli/__init__.py"} <= names
        info = f"expe-{version}.dist-info"
        assert "expe = expe.cli:main" in wheel.read(f"{info}/entry_points.txt").decode()
        metadata = wheel.read(f"{info}/METADATA").decode()
        assert "Requires-Dist: httpx" in metadata and f"Version: {version}" in metadata
    with tarfile.open(tmp_path / f"expe-{version}.tar.gz") as sdist:
        names = set(sdist.getnames())
    top = f"expe-{version}"
    assert {f"{top}/README.md", f"{top}/CHANGELOG.md", f"{top}/src/expe/py.typed"} <= names
    assert not any("__pycache__" in name for name in names)
