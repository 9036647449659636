"""The guides in docs/: every code sample runs against the real stack as a reader would run it
(tests/e2e/guides.py says how blocks are read and run), every block not run is reported as
skipped with its reason, the site builds with `mkdocs build --strict` (a broken link fails), and
the error reference lists every error class."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from devstack.accounts import SEEN, sandbox_account
from devstack.profile import REPO
from shared.errors import ExpeError
from tests.e2e.guides import DOCS, Block, read_blocks, reader_env, run_page
from tests.e2e.guides import problems as block_problems

pytestmark = pytest.mark.e2e

PAGES = sorted(DOCS.rglob("*.md"))
NOT_RUN = [block for page in PAGES for block in read_blocks(page) if block.kind == "not-run"]
# What a sample may print that must never reach a log line: keys, webhook secrets, tokens.
SECRET_SHAPES = re.compile(
    r"\b(?:sk|pk)_(?:test|live)_[A-Za-z0-9]+|\bwhsec_[A-Za-z0-9+/=]+"
    r"|\bpay_[A-Za-z0-9]+_secret_[A-Za-z0-9_-]+|\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"
)


def _name(path: Path) -> str:
    return str(path.relative_to(DOCS))


def test_every_block_is_run_saved_checked_or_marked() -> None:
    assert PAGES, "no guide found in docs/"
    found = [problem for page in PAGES for problem in block_problems(read_blocks(page))]
    assert not found, "\n".join(found)


# The SDK guide installs two SDKs as a reader would (pip, npm ci, npm pack): minutes, not seconds.
@pytest.mark.timeout(420)
@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_samples_run(page: Path, gateway: httpx.Client, mailpit_url: str, tmp_path: Path) -> None:
    runnable = [block for block in read_blocks(page) if block.kind.startswith("run")]
    if not runnable:
        pytest.skip(f"{_name(page)} has no sample to run")
    account = sandbox_account(gateway, mailpit_url)
    (tmp_path / "account.json").write_text(json.dumps(account, indent=2))
    run = run_page(page, tmp_path, reader_env(account), timeout=360)
    # Whatever secret the samples printed (new keys, webhook secrets, tokens) joins those the
    # suite checks no log line holds.
    SEEN.add(*SECRET_SHAPES.findall(run.printed()))
    assert run.ok, run.report()
    assert len(run.ran) == len(runnable)


@pytest.mark.parametrize("block", NOT_RUN, ids=lambda block: block.where)
def test_block_not_run(block: Block) -> None:
    """One skipped test per block the guides mark as not run, so every such block shows."""
    pytest.skip(f"{block.where}: not run: {block.not_run}")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site_dir = tmp_path_factory.mktemp("site")
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=REPO,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    return site_dir


def test_site_builds_with_every_page(site: Path) -> None:
    for page in PAGES:
        assert (site / _name(page)).with_suffix(".html").is_file(), _name(page)
    assert (site / "reference" / "errors.html").is_file()


def _error_classes_in_source() -> set[type[ExpeError]]:
    """Every ExpeError subclass defined in a module file of the packages, found file by file
    (not the way the generator walks them)."""
    found: set[type[ExpeError]] = set()
    for package in ("shared", "services", "gateway"):
        for path in sorted((REPO / package).rglob("*.py")):
            name = ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
            module = importlib.import_module(name)
            found.update(
                value
                for value in vars(module).values()
                if inspect.isclass(value)
                and issubclass(value, ExpeError)
                and value is not ExpeError
                and value.__module__ == name
            )
    return found


def test_error_reference_lists_every_error_class(site: Path) -> None:
    reference = (site / "reference" / "errors.html").read_text()
    classes = _error_classes_in_source()
    assert len(classes) > 50
    missing = [
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in classes
        if f"<code>{cls.__module__}.{cls.__qualname__}</code>" not in reference
        or f"<code>{cls.code}</code>" not in reference
    ]
    assert not missing, missing


def test_error_reference_lists_the_handlers_own_codes(site: Path) -> None:
    sys.path.insert(0, str(DOCS))
    try:
        from gen_errors import handler_errors
    finally:
        sys.path.remove(str(DOCS))
    reference = (site / "reference" / "errors.html").read_text()
    by_classes = {(cls.status_code, cls.code) for cls in _error_classes_in_source()}
    shared_source = "".join(path.read_text() for path in (REPO / "shared").rglob("*.py"))
    for _, _, code, _ in handler_errors(by_classes):
        assert f'"{code}"' in shared_source, f"shared/ no longer answers {code}"
        assert f"<code>{code}</code>" in reference
