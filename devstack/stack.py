"""Starts the gateway and services as real processes (uvicorn), as `make run` does."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from devstack import pids
from devstack.profile import PROCESSES, REPO, Profile
from devstack.waiting import wait_until


@dataclass
class ServiceProcess:
    name: str
    profile: Profile
    extra_env: dict[str, str] = field(default_factory=dict)
    # Also print each log line, prefixed with the process name, as `make run` does.
    console: bool = False
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return self.profile.process_url(self.name)

    @property
    def log_path(self) -> Path:
        return self.profile.data_dir / "logs" / f"{self.name}.log"

    @property
    def marker(self) -> str:
        """What this process's command line holds, and no other process's does."""
        module, port = PROCESSES[self.name][0], self.profile.process_port(self.name)
        return f"{module}:create_app --factory --host 127.0.0.1 --port {port}"

    def start(self) -> None:
        self.spawn()
        self.wait_alive()

    def spawn(self) -> None:
        module = PROCESSES[self.name][0]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **self.profile.infra_env(), **self.extra_env}
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            f"{module}:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.profile.process_port(self.name)),
            "--loop",
            "uvloop",
            "--http",
            "httptools",
            "--no-access-log",
        ]
        if self.console:
            self.process = subprocess.Popen(
                command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
            )
            assert self.process.stdout is not None
            threading.Thread(target=self._tee, args=(self.process.stdout,), daemon=True).start()
        else:
            with self.log_path.open("ab") as log:
                self.process = subprocess.Popen(
                    command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT
                )
        pids.record(self.profile.data_dir, self.name, self.process.pid)

    def _tee(self, stream: IO[bytes]) -> None:
        prefix = f"{self.name:>13} | ".encode()
        with self.log_path.open("ab") as log:
            for line in stream:
                log.write(line)
                log.flush()
                sys.stdout.buffer.write(prefix + line)
                sys.stdout.buffer.flush()

    def wait_alive(self, timeout: float = 60) -> None:
        def alive() -> bool:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log_path}")
            return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200

        wait_until(alive, timeout=timeout, interval=0.2, what=f"{self.name} to answer /healthz")

    def wait_ready(self, timeout: float = 60) -> None:
        wait_until(
            lambda: httpx.get(f"{self.url}/readyz", timeout=3).status_code == 200,
            timeout=timeout,
            interval=0.3,
            what=f"{self.name} to be ready",
        )

    def stop(self) -> None:
        """Graceful stop: SIGTERM lets the lifespan close clients and release leases."""
        self._signal(signal.SIGTERM)

    def kill(self) -> None:
        """A crash: SIGKILL gives the process no chance to clean up."""
        self._signal(signal.SIGKILL)

    def _signal(self, sig: signal.Signals) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        pids.forget(self.profile.data_dir, self.name)

    def log_lines(self) -> list[str]:
        return (
            self.log_path.read_text(errors="replace").splitlines() if self.log_path.exists() else []
        )


class Stack:
    """Every process of a profile."""

    def __init__(
        self, profile: Profile, extra_env: dict[str, str] | None = None, console: bool = False
    ) -> None:
        self.profile = profile
        self.processes = {
            name: ServiceProcess(name, profile, dict(extra_env or {}), console)
            for name in PROCESSES
        }

    def __getitem__(self, name: str) -> ServiceProcess:
        return self.processes[name]

    def write_scrape_targets(self) -> None:
        """Tells the profile's Prometheus where each process serves /metrics, as `job`."""
        targets = [
            {"targets": [f"127.0.0.1:{self.profile.process_port(name)}"], "labels": {"job": name}}
            for name in self.processes
        ]
        path = self.profile.scrape_targets_path
        path.parent.mkdir(parents=True, exist_ok=True)
        # Renamed into place: Prometheus never reads a half-written file.
        written = path.with_suffix(".tmp")
        written.write_text(json.dumps(targets, indent=2))
        written.replace(path)

    def start(self) -> None:
        self.write_scrape_targets()
        try:
            for process in self.processes.values():
                process.spawn()
            for process in self.processes.values():
                process.wait_alive()
                process.wait_ready()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for process in self.processes.values():
            process.stop()
