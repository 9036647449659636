"""`make lint`'s dependency scan: pip-audit over the Python packages installed in .venv, and
npm audit over web/ and sdk/node, less the reviewed exceptions of security/audit-allowlist.toml.

It fails on a known vulnerability in a Python package, on a critical one in an npm package, and
on an expired exception. When a scanner cannot reach its advisory database (pip-audit asks
PyPI's JSON API, npm audit the registry's bulk advisory endpoint), it says so loudly, names what
went unscanned and does not fail: the code has not changed, and a lint that fails whenever a
third party's service is down is soon skipped by everyone. The warning stays in the log.

Run it alone with `.venv/bin/python security/audit.py`.
"""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
ALLOWLIST = REPO / "security" / "audit-allowlist.toml"
NPM_PROJECTS = ("web", "sdk/node")
TIMEOUT_SECONDS = 300


@dataclass(frozen=True)
class Finding:
    ecosystem: str
    package: str
    version: str
    ids: frozenset[str]
    summary: str

    def __str__(self) -> str:
        ids = ", ".join(sorted(self.ids))
        return f"{self.ecosystem} {self.package} {self.version}: {ids} {self.summary}"


@dataclass(frozen=True)
class Scan:
    name: str
    findings: list[Finding]
    # Why nothing could be checked, when the advisory database was out of reach.
    unreachable: str | None = None


def pip_audit() -> Scan:
    done = subprocess.run(
        [
            str(REPO / ".venv" / "bin" / "pip-audit"),
            "--local",
            "--skip-editable",
            "--format",
            "json",
            "--progress-spinner",
            "off",
        ],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    name = "pip-audit (the packages in .venv)"
    try:
        report = json.loads(done.stdout)
    except ValueError:
        lines = done.stderr.strip().splitlines()
        return Scan(
            name, [], f"it ended without a report: {lines[-1] if lines else done.returncode}"
        )
    dependencies = report["dependencies"]
    skipped = [d for d in dependencies if "skip_reason" in d]
    # PyPI answers every package, so none audited means no answer came, not that none exists.
    if dependencies and len(skipped) == len(dependencies):
        return Scan(name, [], f"no package could be looked up ({skipped[0]['skip_reason']})")
    findings = [
        Finding(
            "pypi",
            dependency["name"],
            dependency["version"],
            frozenset([vuln["id"], *vuln.get("aliases", [])]),
            f"(fixed in {', '.join(vuln['fix_versions']) or 'no release yet'})",
        )
        for dependency in dependencies
        for vuln in dependency.get("vulns", [])
    ]
    return Scan(name, findings)


def _npm_ids(via: dict[str, Any]) -> frozenset[str]:
    url = str(via.get("url", ""))
    return frozenset(filter(None, [url.rsplit("/", 1)[-1], str(via.get("source", ""))]))


def npm_audit(project: str) -> Scan:
    done = subprocess.run(
        ["npm", "audit", "--audit-level=critical", "--json"],
        cwd=REPO / project,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    name = f"npm audit ({project})"
    try:
        report = json.loads(done.stdout)
    except ValueError:
        return Scan(name, [], f"it ended without a report: {done.stderr.strip()[-300:]}")
    if "vulnerabilities" not in report:
        error = report.get("error") or {}
        return Scan(name, [], str(report.get("message") or error.get("summary") or report)[:300])
    findings = [
        Finding("npm", package, str(entry.get("range", "")), _npm_ids(via), str(via["title"]))
        for package, entry in report["vulnerabilities"].items()
        for via in entry["via"]
        # `via` also names the dependencies an advisory reaches this package through.
        if isinstance(via, dict) and via.get("severity") == "critical"
    ]
    return Scan(name, findings)


def say(line: str) -> None:
    sys.stdout.write(line + "\n")


def main() -> int:
    accepted = tomllib.loads(ALLOWLIST.read_text())["accepted"]
    today = datetime.date.today()
    scans = [pip_audit(), *(npm_audit(project) for project in NPM_PROJECTS)]
    failures: list[str] = []
    used: set[str] = set()
    for scan in scans:
        if scan.unreachable:
            say(f"WARNING: {scan.name}: NOT SCANNED, its advisory database is out of reach:")
            say(f"  {scan.unreachable}")
            continue
        for finding in scan.findings:
            entry = next(
                (e for e in accepted if e["id"] in finding.ids and e["package"] == finding.package),
                None,
            )
            if entry is None:
                failures.append(str(finding))
                continue
            used.add(entry["id"])
            if entry["until"] < today:
                failures.append(f"{finding}: its exception expired on {entry['until']}, review it")
        say(f"{scan.name}: {len(scan.findings)} known vulnerabilities at the failing level")
    for entry in accepted:
        if entry["id"] not in used:
            say(f"note: {entry['id']} ({entry['package']}) is accepted but was not reported")
    for failure in failures:
        say(f"VULNERABLE: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
