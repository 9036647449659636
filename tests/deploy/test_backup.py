"""deploy/backup/expe-backup.sh: what can be shown without a MongoDB.

The script's own logic runs for real on a folder target: which backups the retention keeps, and
which full backup and oplog slices a point-in-time restore would use (`restore --plan`). The
MongoDB tools it drives (mongodump, mongorestore, mongosh) are exercised by the restore drill in
docs/deployment.md.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BACKUP_DIR = ROOT / "deploy" / "backup"
SCRIPT = BACKUP_DIR / "expe-backup.sh"
COMMANDS = ["full", "oplog", "prune", "list", "restore"]


def backup(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The script with only the variables given (and PATH), as a CronJob runs it."""
    base = {"PATH": "/usr/bin:/bin"}
    return subprocess.run(
        ["bash", str(SCRIPT), *args],
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def word(seconds: int, increment: int) -> str:
    """An oplog timestamp as the names in the target spell it."""
    return f"{seconds:013d}.{increment:010d}"


def stamp(at: datetime) -> str:
    return at.strftime("%Y%m%dT%H%M%SZ")


def full_name(at: datetime, start: tuple[int, int], end: tuple[int, int]) -> str:
    return f"{stamp(at)}_{word(*start)}_{word(*end)}.archive.gz"


def slice_name(after: tuple[int, int], upto: tuple[int, int]) -> str:
    return f"{word(*after)}_{word(*upto)}.bson.gz"


def held(target: Path) -> set[str]:
    return {str(p.relative_to(target)) for p in target.rglob("*") if p.is_file()}


@pytest.fixture
def target(tmp_path: Path) -> Path:
    (tmp_path / "full").mkdir()
    (tmp_path / "oplog").mkdir()
    return tmp_path


def put(target: Path, *names: str) -> None:
    for name in names:
        folder = "full" if name.endswith(".archive.gz") else "oplog"
        (target / folder / name).write_bytes(b"")


# ---------------------------------------------------------------------------- the script


def test_script_parses_and_shellcheck_finds_nothing():
    subprocess.run(["bash", "-n", str(SCRIPT)], check=True)
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed (apt-get install shellcheck)")
    proc = subprocess.run([shellcheck, str(SCRIPT)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout


def test_help_names_every_command_and_every_setting_the_script_reads():
    proc = backup("--help")
    assert proc.returncode == 0, proc.stderr
    for command in COMMANDS:
        assert f"expe-backup.sh {command}" in proc.stdout
    read = set(re.findall(r"\bEXPE_BACKUP_\w+", SCRIPT.read_text().split("set -euo pipefail")[1]))
    documented = set(re.findall(r"\bEXPE_BACKUP_\w+", proc.stdout))
    assert read and read <= documented, f"read but not documented: {read - documented}"


@pytest.mark.parametrize("args", [(), ("backup",)])
def test_no_or_an_unknown_command_prints_the_usage_and_fails(args):
    proc = backup(*args)
    assert proc.returncode == 2
    assert "expe-backup.sh full" in proc.stderr


@pytest.mark.parametrize(
    ("command", "missing"),
    [
        ("full", "EXPE_BACKUP_MONGO_URI"),
        ("oplog", "EXPE_BACKUP_MONGO_URI"),
        ("prune", "EXPE_BACKUP_TARGET"),
    ],
)
def test_a_missing_setting_is_named_before_anything_runs(command, missing):
    proc = backup(command)
    assert proc.returncode == 1
    assert f"{missing} is not set" in proc.stderr
    assert "mongodump" not in proc.stderr and "mongosh" not in proc.stderr


def test_retention_must_be_whole_days(target):
    put(target, full_name(datetime.now(UTC), (1, 1), (2, 1)))
    proc = backup(
        "prune", env={"EXPE_BACKUP_TARGET": str(target), "EXPE_BACKUP_RETENTION_DAYS": "2w"}
    )
    assert proc.returncode == 1 and "whole number of days" in proc.stderr


# ---------------------------------------------------------------------------- retention


def test_prune_keeps_the_retention_window_and_the_oplog_it_needs(target):
    now = datetime.now(UTC)
    old = full_name(now - timedelta(days=20), (1_000, 1), (1_100, 1))
    kept_oldest = full_name(now - timedelta(days=3), (5_000, 1), (5_100, 1))
    newest = full_name(now - timedelta(hours=2), (9_000, 1), (9_100, 1))
    before_old = slice_name((1_000, 1), (3_000, 4))
    before_kept = slice_name((3_000, 4), (5_000, 1))
    after_kept = slice_name((5_000, 1), (7_000, 2))
    latest = slice_name((7_000, 2), (9_500, 3))
    put(target, old, kept_oldest, newest, before_old, before_kept, after_kept, latest)

    proc = backup(
        "prune", env={"EXPE_BACKUP_TARGET": str(target), "EXPE_BACKUP_RETENTION_DAYS": "14"}
    )

    assert proc.returncode == 0, proc.stderr
    assert held(target) == {
        f"full/{kept_oldest}",
        f"full/{newest}",
        f"oplog/{after_kept}",
        f"oplog/{latest}",
    }
    assert f"pruned full/{old}" in proc.stderr


def test_prune_always_keeps_the_newest_full_backup(target):
    lone = full_name(datetime.now(UTC) - timedelta(days=90), (1_000, 1), (1_100, 1))
    put(target, lone)
    proc = backup(
        "prune", env={"EXPE_BACKUP_TARGET": str(target), "EXPE_BACKUP_RETENTION_DAYS": "7"}
    )
    assert proc.returncode == 0, proc.stderr
    assert held(target) == {f"full/{lone}"}


def test_list_shows_what_is_held_oldest_first(target):
    now = datetime.now(UTC)
    first = full_name(now - timedelta(days=2), (1_000, 1), (1_100, 1))
    second = full_name(now - timedelta(days=1), (2_000, 1), (2_100, 1))
    put(target, second, first, slice_name((2_000, 1), (2_500, 1)))
    proc = backup("list", env={"EXPE_BACKUP_TARGET": str(target)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        f"full/{first}",
        f"full/{second}",
        f"oplog/{slice_name((2_000, 1), (2_500, 1))}",
    ]


# ---------------------------------------------------------------------------- point in time


def iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# A day of backups: two nightly fulls and the oplog every 15 minutes in between.
T0 = 1_764_556_200  # 2025-12-01T02:30:00Z
NIGHT_1 = full_name(datetime.fromtimestamp(T0, UTC), (T0, 1), (T0 + 300, 3))
NIGHT_2 = full_name(datetime.fromtimestamp(T0 + 86_400, UTC), (T0 + 86_400, 1), (T0 + 86_700, 2))
SLICES = [slice_name((T0 + i * 900, 7), (T0 + (i + 1) * 900, 7)) for i in range(4)]


def plan(target: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return backup("restore", "--plan", *args, env={"EXPE_BACKUP_TARGET": str(target)})


def test_restore_to_a_time_uses_the_full_backup_before_it_and_the_oplog_up_to_it(target):
    put(target, NIGHT_1, NIGHT_2, *SLICES)
    until = T0 + 1_000  # inside the second slice
    proc = plan(target, "--until", iso(until))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        f"full/{NIGHT_1}",
        f"oplog/{SLICES[0]}",
        f"oplog/{SLICES[1]}",
        f"until {word(until, 0)}",
    ]


def test_restore_of_the_latest_state_takes_the_newest_full_backup(target):
    put(target, NIGHT_1, NIGHT_2, *SLICES)
    proc = plan(target)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [f"full/{NIGHT_2}"]


def test_restore_refuses_to_skip_a_gap_in_the_oplog(target):
    put(target, NIGHT_1, SLICES[0], SLICES[2], SLICES[3])
    proc = plan(target, "--until", iso(T0 + 3_000))
    assert proc.returncode == 1
    assert f"the oplog between {word(T0 + 900, 7)} and {word(T0 + 1_800, 7)} is missing" in (
        proc.stderr
    )
    # Up to the gap, it restores.
    proc = plan(target, "--until", iso(T0 + 800))
    assert proc.returncode == 0, proc.stderr


def test_restore_before_the_first_full_backup_is_refused(target):
    put(target, NIGHT_1, *SLICES)
    proc = plan(target, "--until", iso(T0 + 60))  # the dump was still running
    assert proc.returncode == 1 and "no full backup finished before" in proc.stderr


@pytest.mark.parametrize("args", [("--until", "yesterday-ish"), ("--since", "x")])
def test_restore_refuses_what_it_cannot_read(target, args):
    put(target, NIGHT_1)
    proc = plan(target, *args)
    assert proc.returncode == 1


def test_restore_needs_a_destination(target):
    put(target, NIGHT_1)
    proc = backup("restore", env={"EXPE_BACKUP_TARGET": str(target)})
    assert proc.returncode == 1 and "--to URI is required" in proc.stderr


# ---------------------------------------------------------------------------- the image


def test_the_image_carries_the_script_and_mongodb_tools_as_a_non_root_user():
    lines = [
        line.strip()
        for line in (BACKUP_DIR / "Dockerfile").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    (base,) = [line.split()[1] for line in lines if line.startswith("FROM ")]
    assert base.startswith("mongo:"), "mongodump, mongorestore and mongosh come with mongo's image"
    (copy,) = [line.split()[1:] for line in lines if line.startswith("COPY ")]
    source, destination = copy
    assert (BACKUP_DIR / source).resolve() == SCRIPT
    (entrypoint,) = [line for line in lines if line.startswith("ENTRYPOINT ")]
    assert destination in entrypoint
    (user,) = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert user.split(":")[0].isdigit() and int(user.split(":")[0]) != 0
