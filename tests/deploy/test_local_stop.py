"""`make stop` stops what `make run` started, by the pids it recorded, and nothing else: not
another checkout's stack on the same machine, not a program that was given a recorded pid."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack import pids
from devstack.__main__ import stop
from devstack.profile import PROCESSES, Profile
from devstack.stack import Stack


def _lookalike(*marker: str) -> subprocess.Popen[bytes]:
    """A process whose command line holds `marker`, as the real one's does."""
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", *marker])


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[bytes]]]:
    made: list[subprocess.Popen[bytes]] = []
    yield made
    for process in made:
        process.kill()
        process.wait()


def _profile(data_dir: Path) -> Profile:
    return Profile("mine", {"EXPE_DATA_DIR": str(data_dir), "EXPE_SERVICE_PORT_BASE": "41000"})


def test_stop_ends_the_recorded_processes_and_no_other(
    tmp_path: Path, started: list[subprocess.Popen[bytes]]
) -> None:
    mine, theirs = _profile(tmp_path / "mine"), _profile(tmp_path / "theirs")
    processes = Stack(mine).processes
    launcher = _lookalike("devstack", "up", "mine")
    pids.record(mine.data_dir, "devstack", launcher.pid)
    recorded = {name: _lookalike(*processes[name].marker.split()) for name in PROCESSES}
    for name, process in recorded.items():
        pids.record(mine.data_dir, name, process.pid)
    # Another checkout's gateway, on the same ports and with the same command line.
    other_checkout = _lookalike(*processes["gateway"].marker.split())
    pids.record(theirs.data_dir, "gateway", other_checkout.pid)
    # A pid file left by a crash, whose pid the system has since given to another program.
    unrelated = subprocess.Popen(["sleep", "120"])
    pids.record(mine.data_dir, "analytics", unrelated.pid)
    started.extend([launcher, *recorded.values(), other_checkout, unrelated])

    assert stop(mine) == 0

    assert launcher.wait(timeout=10) is not None
    for name, process in recorded.items():
        if name != "analytics":
            assert process.wait(timeout=10) is not None, name
    assert recorded["analytics"].poll() is None  # its pid file was overwritten: not known
    assert other_checkout.poll() is None and unrelated.poll() is None
    assert sorted(p.name for p in pids.pid_dir(mine.data_dir).iterdir()) == []
    assert pids.running(theirs.data_dir, "gateway", processes["gateway"].marker) == (
        other_checkout.pid
    )
