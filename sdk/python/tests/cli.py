"""Running the `expe` command as a user would: a subprocess with its own config folder."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

# `python -m expe` is the installed `expe` script's own entry point.
EXPE = [sys.executable, "-m", "expe"]


def cli_env(config_home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("EXPE_API_KEY", "XDG_CONFIG_HOME")
    }
    return {**env, "XDG_CONFIG_HOME": str(config_home), **(extra or {})}


def run(
    *args: str, env: Mapping[str, str], stdin: str | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*EXPE, *args],
        env=dict(env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class Running:
    """A command left running (`expe listen`, `expe logs tail`), its output read line by line."""

    def __init__(self, *args: str, env: Mapping[str, str]) -> None:
        self._process = subprocess.Popen(
            [*EXPE, *args],
            env=dict(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._fresh: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self._fresh.put(line.rstrip("\n"))
        self._fresh.put(None)

    def wait_for_line(self, pattern: str, timeout: float = 30) -> re.Match[str]:
        """The first line from now on that matches `pattern`."""
        compiled = re.compile(pattern)
        while True:
            try:
                line = self._fresh.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(
                    f"no line matching {pattern!r} in {timeout} s; so far:\n"
                    + "\n".join(self.lines)
                ) from None
            if line is None:
                raise AssertionError(
                    f"the command ended before {pattern!r}:\n" + "\n".join(self.lines)
                )
            self.lines.append(line)
            if match := compiled.search(line):
                return match

    def stop(self) -> int:
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._reader.join(timeout=5)
        assert self._process.stdout is not None
        self._process.stdout.close()
        return self._process.returncode
