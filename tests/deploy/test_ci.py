"""The GitHub Actions pipeline (.github/workflows): actionlint finds nothing in it, and its jobs
are the roadmap's stages in their order, production behind an approval."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
CI = WORKFLOWS / "ci.yml"
EXPE_HOME = Path(os.environ.get("EXPE_HOME") or Path.home() / ".cache" / "expe")


@pytest.fixture(scope="module")
def jobs() -> dict[str, dict[str, Any]]:
    workflow = yaml.safe_load(CI.read_text())
    jobs: dict[str, dict[str, Any]] = workflow["jobs"]
    return jobs


def runs(job: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in job.get("steps", []))


def uses(job: dict[str, Any]) -> list[str]:
    return [step["uses"].split("@")[0] for step in job.get("steps", []) if "uses" in step]


def needs(job: dict[str, Any]) -> set[str]:
    value = job.get("needs", [])
    return {value} if isinstance(value, str) else set(value)


def upstream(jobs: dict[str, dict[str, Any]], name: str) -> set[str]:
    """Every job that must finish before `name` starts."""
    found: set[str] = set()
    todo = list(needs(jobs[name]))
    while todo:
        job = todo.pop()
        if job not in found:
            found.add(job)
            todo.extend(needs(jobs[job]))
    return found


def the_job(jobs: dict[str, dict[str, Any]], does: str) -> str:
    """The one job whose commands include `does`."""
    found = [name for name, job in jobs.items() if does in runs(job)]
    assert len(found) == 1, f"jobs running {does!r}: {found}"
    return found[0]


def environment(job: dict[str, Any]) -> str | None:
    env = job.get("environment")
    return env.get("name") if isinstance(env, dict) else env


def test_actionlint_finds_nothing():
    actionlint = EXPE_HOME / "bin" / "actionlint"
    assert actionlint.is_file(), f"{actionlint} is missing: make setup installs it"
    files = sorted(str(p) for p in WORKFLOWS.glob("*.y*ml"))
    assert files
    proc = subprocess.run(
        [str(actionlint), "-no-color", *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout + proc.stderr


def test_every_job_that_builds_or_tests_checks_out_and_installs_as_a_developer(jobs):
    for name, job in jobs.items():
        if "make" in runs(job) or "deploy/local/test.sh" in runs(job):
            assert uses(job)[0] == "actions/checkout", f"{name} starts without the code"
            assert "make setup" in runs(job), f"{name} skips `make setup`"


def test_lint_unit_and_integration_tests_run_in_that_order(jobs):
    lint = the_job(jobs, "make lint")
    unit = the_job(jobs, 'deploy/local/test.sh -m "not infra and not e2e"')
    integration = the_job(jobs, 'deploy/local/test.sh -m "infra or e2e"')
    assert {lint, unit} <= upstream(jobs, integration)


def test_images_are_built_scanned_and_pushed_from_main_only(jobs):
    (images,) = [n for n, j in jobs.items() if "docker/build-push-action" in uses(j)]
    steps = jobs[images]["steps"]
    builds = [s for s in steps if s.get("uses", "").startswith("docker/build-push-action")]
    assert {s["with"]["context"] for s in builds} == {".", "deploy/backup"}
    assert all(s["with"].get("push") in (None, False) for s in builds), "pushed before the scan"
    order = [s.get("uses", "").split("@")[0] or s.get("name", "") for s in steps]
    assert order.index("aquasecurity/trivy-action") < order.index("Push")
    push = next(s for s in steps if s.get("name") == "Push")
    assert "refs/heads/main" in push["if"]


def test_security_scanning_covers_dependencies_and_configuration(jobs):
    security = the_job(jobs, "pip-audit")
    assert "npm audit" in runs(jobs[security])
    scans = [
        s["with"]
        for s in jobs[security]["steps"]
        if s.get("uses", "").startswith("aquasecurity/trivy-action")
    ]
    assert any(scan.get("scan-type") == "config" for scan in scans)


def test_staging_then_smoke_tests_then_production_with_approval(jobs):
    deploys = [n for n, j in jobs.items() if "helm upgrade" in runs(j)]
    assert {environment(jobs[n]) for n in deploys} == {"staging", "production"}
    staging = next(n for n in deploys if environment(jobs[n]) == "staging")
    production = next(n for n in deploys if environment(jobs[n]) == "production")
    smoke = the_job(jobs, "/api/v1/checkout/payments/")
    assert environment(jobs[smoke]) == "staging"
    assert staging in upstream(jobs, smoke)
    assert smoke in upstream(jobs, production)
    tests = {
        the_job(jobs, "make lint"),
        the_job(jobs, 'deploy/local/test.sh -m "infra or e2e"'),
        the_job(jobs, "pip-audit"),
    }
    assert tests <= upstream(jobs, staging)
    # Nothing from a pull request reaches a cluster.
    assert "refs/heads/main" in jobs[staging]["if"]
    # Both install the image of this commit, which the images job pushed.
    for name in (staging, production):
        assert '--set image.tag="$TAG"' in runs(jobs[name])


def test_ci_run_still_runs_make_test_and_make_lint_runs_actionlint():
    assert (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1] == "make test"
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "bin/actionlint" in recipe
