"""The alert rules load in Prometheus, pass their unit tests, and each one is tested and leads to
its runbook in the troubleshooting guide.

`promtool` (Debian's prometheus package, installed by `make setup`) checks the rule files and
runs the unit tests of observability/prometheus/tests/; its own output is the failure message.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from markdown.extensions.toc import slugify

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS_DIR = ROOT / "observability" / "prometheus"
RULE_FILES = sorted((PROMETHEUS_DIR / "rules").glob("*.yml"))
TEST_FILES = sorted((PROMETHEUS_DIR / "tests").glob("*.test.yml"))
GUIDE = ROOT / "docs" / "troubleshooting.md"
SEVERITIES = {"critical", "warning", "info"}


def promtool(*args: str) -> None:
    tool = shutil.which("promtool")
    assert tool, "promtool is not installed: `make setup` installs Debian's prometheus package"
    run = subprocess.run(
        [tool, *args], cwd=PROMETHEUS_DIR, capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, f"promtool {' '.join(args)}:\n{run.stdout}{run.stderr}"


def groups() -> Iterator[dict[str, Any]]:
    for path in RULE_FILES:
        yield from yaml.safe_load(path.read_text())["groups"]


def alerts() -> list[dict[str, Any]]:
    return [rule for group in groups() for rule in group["rules"] if "alert" in rule]


def alert_groups() -> dict[str, list[str]]:
    """Each group holding alerts, with the names of its alerts."""
    found = {g["name"]: [r["alert"] for r in g["rules"] if "alert" in r] for g in groups()}
    return {name: names for name, names in found.items() if names}


def test_rule_files_are_valid_for_prometheus() -> None:
    assert RULE_FILES
    promtool("check", "rules", *(str(path) for path in RULE_FILES))


def test_alert_rules_pass_their_unit_tests() -> None:
    assert TEST_FILES
    promtool("test", "rules", *(str(path) for path in TEST_FILES))


def test_each_alert_group_has_a_test_file_that_sees_it_fire_and_stay_silent() -> None:
    """A case that expects the alert and one that expects none, in the test file of its group:
    an alert tested only firing would pass with a threshold of zero, one tested only silent with
    a typo in its metric."""
    tested: dict[str, dict[str, set[bool]]] = {}
    for path in TEST_FILES:
        spec = yaml.safe_load(path.read_text())
        for group in spec.get("group_eval_order", []):
            cases = tested.setdefault(group, {})
            for test in spec["tests"]:
                for case in test.get("alert_rule_test", []):
                    cases.setdefault(case["alertname"], set()).add(bool(case.get("exp_alerts")))
    for group, names in alert_groups().items():
        assert group in tested, f"no file in {PROMETHEUS_DIR / 'tests'} tests the group {group}"
        for name in names:
            seen = tested[group].get(name, set())
            assert seen == {True, False}, (
                f"{name} ({group}) needs a case where it fires and one where it stays silent"
            )


def guide_anchors() -> set[str]:
    """The ids MkDocs gives the guide's headings (the same as GitHub's for these)."""
    return {
        slugify(line.lstrip("#").strip(), "-")
        for line in GUIDE.read_text().splitlines()
        if line.startswith("#")
    }


@pytest.mark.parametrize("rule", alerts(), ids=lambda rule: rule["alert"])
def test_an_alert_says_how_bad_what_and_where_its_runbook_is(rule: dict[str, Any]) -> None:
    assert rule["labels"]["severity"] in SEVERITIES
    annotations = rule["annotations"]
    assert annotations["summary"].strip() and annotations["description"].strip()
    url = urlsplit(annotations["runbook_url"])
    assert url.path.endswith("/troubleshooting.html"), annotations["runbook_url"]
    assert url.fragment == slugify(rule["alert"], "-"), "the runbook is the alert's own section"
    assert url.fragment in guide_anchors(), f"{GUIDE.name} has no section #{url.fragment}"
