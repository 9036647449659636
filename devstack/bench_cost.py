"""What an operation costs each process: CPU milliseconds, and MongoDB commands per service.

CPU comes from /proc/<pid>/stat (user plus system time of all threads) before and after a run;
commands from each service's `expe_mongo_command_duration_seconds` counts on /metrics. Both are
divided by the operations the run completed, so background work a run causes (the outbox
relay, consumers, deliveries) is charged to it too.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import httpx

from devstack.profile import PROCESSES, SERVICES, Profile

_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
_LISTEN = "0A"  # the TCP state LISTEN in /proc/net/tcp
_INFRA = ("store", "kafka", "redis")
_COMMAND_COUNT = re.compile(
    r'^expe_mongo_command_duration_seconds_count\{command="(\w+)",outcome="\w+"\} (\S+)$', re.M
)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU the process (all its threads) has used so far."""
    # The command name, in parentheses, may hold spaces: fields are counted from its closing
    # parenthesis. utime and stime are fields 14 and 15.
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS_PER_SECOND


def _listening_inodes(port: int) -> set[str]:
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == _LISTEN and int(fields[1].rpartition(":")[2], 16) == port:
                    inodes.add(fields[9])
    return inodes


def pid_listening_on(port: int) -> int | None:
    """The process holding the listening socket of `port` (one of ours: /proc shows our own)."""
    sockets = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    if not sockets:
        return None
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in (entry / "fd").iterdir():
                if os.readlink(fd) in sockets:
                    return int(entry.name)
    return None


def pid_of(profile: Profile, name: str) -> int:
    """A process of a running stack: from `<data dir>/pids/<name>.pid` (the infrastructure's,
    written by deploy/local/infra.sh), else the gateway's or a service's by the port it listens
    on (devstack.stack keeps their pids in memory only)."""
    pid_file = profile.data_dir / "pids" / f"{name}.pid"
    if pid_file.exists():
        return int(pid_file.read_text().strip())
    if name not in PROCESSES:
        raise RuntimeError(f"no pid file {pid_file}: is the infrastructure up?")
    pid = pid_listening_on(profile.process_port(name))
    if pid is None:
        raise RuntimeError(f"nothing listens on {profile.process_url(name)}: is the stack up?")
    return pid


def process_ids(profile: Profile) -> dict[str, int]:
    """The gateway's, every service's and the infrastructure's pids."""
    return {name: pid_of(profile, name) for name in (*PROCESSES, *_INFRA)}


def store_commands(profile: Profile) -> dict[str, float]:
    """MongoDB commands each service has sent so far."""
    counts: dict[str, float] = {}
    for name in SERVICES:
        text = httpx.get(profile.process_url(name) + "/metrics", timeout=10).text
        counts[name] = sum(float(value) for _, value in _COMMAND_COUNT.findall(text))
    return counts


@dataclass(frozen=True)
class Costs:
    cpu_ms: dict[str, float]
    commands: dict[str, float]

    def lines(self) -> list[str]:
        cpu = "  ".join(f"{name} {ms:.2f}" for name, ms in self.cpu_ms.items())
        total = sum(self.commands.values())
        per_service = "  ".join(f"{name} {n:.1f}" for name, n in self.commands.items() if n)
        return [f"  cpu ms/op   {cpu}", f"  store cmds  {total:.1f}/op: {per_service}"]


class Meter:
    """Reads both before a run; `costs(operations)` after it."""

    def __init__(self, profile: Profile) -> None:
        self._profile = profile
        self._pids = process_ids(profile)
        self._cpu = {name: cpu_seconds(pid) for name, pid in self._pids.items()}
        self._commands = store_commands(profile)

    def costs(self, operations: int) -> Costs:
        n = max(operations, 1)
        cpu = {
            name: 1000 * (cpu_seconds(pid) - self._cpu[name]) / n
            for name, pid in self._pids.items()
        }
        now = store_commands(self._profile)
        commands = {name: (now[name] - self._commands[name]) / n for name in now}
        return Costs(cpu, commands)


def rss_bytes(pid: int) -> int:
    """The process's resident memory now (VmRSS of /proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0
