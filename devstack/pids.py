"""Process ids recorded by what `make run` starts, so that `make stop` stops exactly those.

Each one is a file `<data dir>/pids/<name>.pid` beside the infrastructure's (deploy/local/
infra.sh). A pid is signalled only while its command line still holds the marker it was
recorded with: a pid the system has given to another program since is left alone, and so is
another checkout's stack, whose pids live in its own data folder.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path


def pid_dir(data_dir: Path) -> Path:
    return data_dir / "pids"


def record(data_dir: Path, name: str, pid: int) -> None:
    folder = pid_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.pid").write_text(f"{pid}\n")


def forget(data_dir: Path, name: str) -> None:
    (pid_dir(data_dir) / f"{name}.pid").unlink(missing_ok=True)


def _command_line(pid: int) -> str | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        state = next(
            line.split()[1]
            for line in Path(f"/proc/{pid}/status").read_text().splitlines()
            if line.startswith("State:")
        )
    except (OSError, StopIteration, IndexError):
        return None
    return None if state == "Z" else raw.replace(b"\0", b" ").decode(errors="replace")


def running(data_dir: Path, name: str, marker: str) -> int | None:
    """The recorded pid of `name`, while that process still runs with `marker` in its command."""
    try:
        pid = int((pid_dir(data_dir) / f"{name}.pid").read_text().strip())
    except (OSError, ValueError):
        return None
    command = _command_line(pid)
    return pid if command is not None and marker in command else None


def stop(data_dir: Path, name: str, marker: str, timeout: float = 30.0) -> int | None:
    """SIGTERM, then SIGKILL after `timeout` seconds; the pid stopped, or None if none ran."""
    pid = running(data_dir, name, marker)
    if pid is None:
        forget(data_dir, name)
        return None
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _command_line(pid) is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    if _command_line(pid) is not None:
        os.kill(pid, signal.SIGKILL)
        while _command_line(pid) is not None:
            time.sleep(0.05)
    forget(data_dir, name)
    return pid
