"""deploy/logging/vector.yaml: Vector cannot be installed here (no package of it on the registries
this project uses), so its configuration is read as Vector reads its graph: sources, transforms
and sinks wired by their inputs. The lines it parses are made by the code's own formatter
(shared/logs.py), so a renamed log field shows here."""

from __future__ import annotations

import io
import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from shared.logs import JsonFormatter

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "logging" / "vector.yaml"
PROCESSES = ["gateway", "auth", "payments", "wallet", "webhooks", "analytics", "subscriptions"]
# Labels of a log stream: each value must come from a small set, or every request makes a stream.
LOW_CARDINALITY = {"namespace", "service", "level"}


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    return yaml.safe_load(CONFIG.read_text())


def components(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: component
        for kind in ("sources", "transforms", "sinks")
        for name, component in config.get(kind, {}).items()
    }


def a_log_line(**extra: Any) -> dict[str, Any]:
    """One line as a process writes it, through the code's formatter."""
    record = logging.makeLogRecord(
        {"name": "expe.access", "levelno": logging.INFO, "levelname": "INFO", "msg": "GET / 200"}
    )
    record.__dict__.update(extra)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("payments"))
    handler.emit(record)
    line: dict[str, Any] = json.loads(stream.getvalue())
    return line


def test_the_source_takes_the_pods_of_every_process(config):
    (source,) = config["sources"].values()
    assert source["type"] == "kubernetes_logs"
    selector = source["extra_label_selector"]
    assert "app.kubernetes.io/part-of=expe" in selector.split(",")
    (names,) = re.findall(r"app\.kubernetes\.io/name in \(([^)]*)\)", selector)
    assert sorted(n.strip() for n in names.split(",")) == sorted(PROCESSES)


def test_every_input_is_a_component_and_every_component_is_used(config):
    graph = components(config)
    used: set[str] = set()
    for name, component in graph.items():
        for source in component.get("inputs", []):
            assert source in graph, f"{name} reads {source}, which does not exist"
            used.add(source)
    for kind in ("sources", "transforms"):
        for name in config[kind]:
            assert name in used, f"{name} feeds nothing"
    assert config["sinks"], "logs go nowhere"


def test_every_sink_gets_the_parsed_lines(config):
    transforms = set(config["transforms"])
    for name, sink in config["sinks"].items():
        assert set(sink["inputs"]) <= transforms, f"{name} ships unparsed lines"


def test_the_parse_reads_the_fields_the_code_writes(config):
    (remap,) = [t for t in config["transforms"].values() if t["type"] == "remap"]
    program = remap["source"]
    assert "parse_json(.message)" in program
    line = a_log_line(method="GET", path="/", status=200, durationMs=1.5)
    assert {"time", "level", "service", "logger", "message"} <= set(line)
    # The time is parsed as RFC 3339 (Vector's %+), which Python's isoformat writes.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])
    assert 'parse_timestamp(string(.time) ?? "", "%+")' in program


def test_loki_streams_are_labelled_by_fields_every_line_has(config):
    (loki,) = [s for s in config["sinks"].values() if s["type"] == "loki"]
    labels = loki["labels"]
    assert set(labels) <= LOW_CARDINALITY
    line = a_log_line()
    for template in labels.values():
        (field,) = re.findall(r"\{\{\s*(\w+)\s*\}\}", template)
        # namespace is added by the parse from the pod's metadata; the rest is in every line.
        assert field == "namespace" or field in line, f"{field} is not in a log line"
    assert not {"traceId", "requestId", "spanId"} & set(labels)


def test_the_process_already_masks_secrets_before_a_line_is_shipped():
    line = a_log_line(authorization="Bearer sk_test_abcdef0123456789", card="4242 4242 4242 4242")
    assert "sk_test_abcdef0123456789" not in json.dumps(line)
    assert "4242 4242 4242 4242" not in json.dumps(line)
