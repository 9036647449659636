"""The deployment descriptions of Expe hold what a user relies on.

Covers the Dockerfile, docker-compose.yml, deploy/k8s (with the Prometheus scrape configuration
and prometheus-adapter rules beside it), the Helm chart in deploy/helm/expe and observability/
(Prometheus, alert rules, Grafana). Everything is read from the files; the
constants below are the contract the code and the deployment follow (DESIGN.md: processes,
ports, settings, metrics, topics), not values copied from the files under test.

Two tools are used, both installed by the project's own scripts and cached in
${EXPE_HOME:-$HOME/.cache/expe}/bin:
- helm (deploy/local/install-helm.sh) for `helm lint` and `helm template`;
- expe-deploycheck (tests/deploy/deploycheck/build.sh, Go): kustomize's build, strict Kubernetes
  decoding, the compose-go loader that `docker compose config` uses, Prometheus' rule-file and
  PromQL parsers, and Prometheus' configuration loader and relabeling.
The settings classes and app modules of the code are imported to check that every EXPE_
variable the files set is one the process reads.
"""

from __future__ import annotations

import fnmatch
import functools
import glob
import importlib
import importlib.util
import json
import os
import re
import shlex
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from shared.sealing import Keyring
from tests.tokens import new_signing_key

# First run on a fresh machine builds helm and expe-deploycheck from source (minutes); the
# session fixtures doing it run inside the first test that needs them.
pytestmark = pytest.mark.timeout(900)

ROOT = Path(__file__).resolve().parents[2]
K8S_DIR = ROOT / "deploy" / "k8s"
CHART_DIR = ROOT / "deploy" / "helm" / "expe"
OBS_DIR = ROOT / "observability"
EXPE_HOME = Path(os.environ.get("EXPE_HOME") or Path.home() / ".cache" / "expe")

# ---------------------------------------------------------------------------------- contract

PROCESSES: dict[str, tuple[str, int]] = {
    "gateway": ("gateway.app", 8000),
    "auth": ("services.auth.app", 8001),
    "payments": ("services.payments.app", 8002),
    "wallet": ("services.wallet.app", 8003),
    "webhooks": ("services.webhooks.app", 8004),
    "analytics": ("services.analytics.app", 8005),
    "subscriptions": ("services.subscriptions.app", 8006),
}
SERVICES = [name for name in PROCESSES if name != "gateway"]
# The high-availability layout of docker-compose.yml (issue 12): a MongoDB replica set of three
# members, three Kafka brokers, a Redis primary with two replicas watched by three sentinels.
MONGO_MEMBERS = ["mongo-1", "mongo-2", "mongo-3"]
KAFKA_BROKERS = ["kafka-1", "kafka-2", "kafka-3"]
REDIS_PRIMARY = "redis-primary"
REDIS_REPLICAS = ["redis-replica-1", "redis-replica-2"]
REDIS_SENTINELS = ["redis-sentinel-1", "redis-sentinel-2", "redis-sentinel-3"]
INFRA = [
    *MONGO_MEMBERS,
    *KAFKA_BROKERS,
    REDIS_PRIMARY,
    *REDIS_REPLICAS,
    *REDIS_SENTINELS,
    "jaeger",
    "prometheus",
    "grafana",
    "mailpit",
]
# One-shot services: form the replica set, create the topics; the processes wait for them.
INFRA_INIT = ["mongo-init", "kafka-init"]
REPLICA_SET = "rs0"
# Copies of each event and how many must hold one before the producer (acks=all) is answered.
MIN_INSYNC_REPLICAS = 2

COMMON_ENV = {
    "EXPE_ENV",
    "EXPE_LOG_LEVEL",
    "EXPE_MONGO__URL",
    "EXPE_MONGO__DB_PREFIX",
    "EXPE_KAFKA__BOOTSTRAP_SERVERS",
    "EXPE_REDIS__URL",
    "EXPE_OTEL__ENDPOINT",
    "EXPE_INTERNAL_SECRET",
    # the keyring that seals secrets and personal data at rest
    "EXPE_SEALING_KEYS",
    # how long a stopping process keeps serving, then waits for what is in flight
    "EXPE_SHUTDOWN__DRAIN_SECONDS",
    "EXPE_SHUTDOWN__GRACE_SECONDS",
}
ROLE_ENV = {
    "gateway": {f"EXPE_SERVICES__{s.upper()}" for s in SERVICES}
    | {
        "EXPE_CORS_ORIGINS",
        "EXPE_MAX_BODY_BYTES",
        "EXPE_UPSTREAM_TIMEOUT_SECONDS",
        # the proxies whose X-Forwarded-For is believed (rate limits and IP allowlists)
        "EXPE_TRUSTED_PROXIES",
        # the live relay's consumer group: one per Redis (per region)
        "EXPE_LIVE_RELAY_GROUP",
    },
    # auth links its emails to the public address; the platform admins verify merchants.
    "auth": {"EXPE_SMTP__HOST", "EXPE_SMTP__PORT", "EXPE_PUBLIC_URL", "EXPE_PLATFORM_ADMINS"},
    # payments asks wallet synchronously to hold and capture funds (DESIGN.md), and auth for
    # the merchant name its checkout shows; wallet asks auth who owns a recipient's email. The
    # settings are the same ones the gateway uses. Every checkoutUrl starts with the public URL.
    "payments": {"EXPE_SERVICES__WALLET", "EXPE_SERVICES__AUTH", "EXPE_PUBLIC_URL"},
    "wallet": {"EXPE_SERVICES__AUTH"},
    # webhooks seals endpoints' signing secrets at rest and refuses the placeholder key in
    # production, and asks payments whose payment an id names.
    "webhooks": {"EXPE_SEALING_KEY", "EXPE_SERVICES__PAYMENTS"},
    "subscriptions": {"EXPE_SERVICES__PAYMENTS"},
}
# Variables that hold secrets: never a plain value or a ConfigMap key in the cluster manifests.
SECRET_ENV = {"EXPE_INTERNAL_SECRET", "EXPE_SEALING_KEYS", "EXPE_SEALING_KEY"}
EXPE_ENVS = {"local", "test", "production"}
TOPICS = [
    "payment.created",
    "payment.completed",
    "payment.failed",
    "payment.canceled",
    "refund.issued",
    "payment_link.created",
    "payment_link.deactivated",
    "subscription.created",
    "subscription.updated",
    "subscription.renewed",
    "subscription.payment_failed",
    "subscription.past_due",
    "subscription.canceled",
    "invoice.paid",
    "dispute.created",
    "dispute.updated",
    "dispute.closed",
    "dispute.funds_withdrawn",
    "dispute.funds_reinstated",
    "wallet.credited",
    "wallet.debited",
    # Notices of the webhooks service, emailed to merchants by auth.
    "webhook.message_failed",
    "webhook.endpoint_disabled",
    # Merchants' changes to their endpoints, for auth's audit log.
    "webhook_endpoint.changed",
]

# metric name -> labels it carries (besides the job/instance labels Prometheus adds)
_HTTP = {"handler", "method", "status"}
METRICS: dict[str, set[str]] = {
    "http_requests_total": _HTTP,
    "http_request_duration_seconds_bucket": {"handler", "method", "le"},
    "http_request_duration_seconds_count": {"handler", "method"},
    "http_request_duration_seconds_sum": {"handler", "method"},
    "http_request_duration_highr_seconds_bucket": {"le"},
    "http_request_duration_highr_seconds_count": set(),
    "http_request_duration_highr_seconds_sum": set(),
    "expe_outbox_pending": set(),
    "expe_outbox_published_total": set(),
    "expe_events_consumed_total": {"consumer", "topic", "outcome"},
    "expe_kafka_consumer_lag": {"consumer", "topic"},
    "expe_api_errors_total": {"handler", "status", "code"},
    "expe_http_requests_in_flight": set(),
    "expe_event_loop_lag_seconds_bucket": {"le"},
    "expe_event_loop_lag_seconds_count": set(),
    "expe_event_loop_lag_seconds_sum": set(),
    "expe_memory_limit_bytes": set(),
    "expe_mongo_command_duration_seconds_bucket": {"command", "outcome", "le"},
    "expe_mongo_command_duration_seconds_count": {"command", "outcome"},
    "expe_mongo_command_duration_seconds_sum": {"command", "outcome"},
    "expe_mongo_server_reachable": {"server"},
    "expe_mongo_connections": set(),
    "expe_mongo_checkout_failures_total": {"reason"},
    "expe_redis_command_duration_seconds_bucket": {"command", "outcome", "le"},
    "expe_redis_command_duration_seconds_count": {"command", "outcome"},
    "expe_redis_command_duration_seconds_sum": {"command", "outcome"},
    # business counters: payments and refunds, sign-ups and merchants, active merchants
    "expe_payments_total": {"status", "method", "mode"},
    "expe_payment_failures_total": {"code", "method", "mode"},
    "expe_payment_volume_minor_total": {"currency", "mode"},
    "expe_refunds_total": {"mode"},
    "expe_refund_volume_minor_total": {"currency", "mode"},
    "expe_signups_total": set(),
    "expe_signups_verified_total": set(),
    "expe_merchants_created_total": set(),
    "expe_active_merchants": {"mode"},
    "expe_upstream_request_duration_seconds_bucket": {"upstream", "status", "le"},
    "expe_upstream_request_duration_seconds_count": {"upstream", "status"},
    "expe_upstream_request_duration_seconds_sum": {"upstream", "status"},
    "expe_upstream_errors_total": {"upstream", "reason"},
    "expe_webhook_delivery_latency_seconds_bucket": {"le"},
    "expe_webhook_delivery_latency_seconds_count": set(),
    "expe_webhook_delivery_latency_seconds_sum": set(),
    "expe_webhook_attempts_total": {"outcome"},
    "expe_webhook_attempt_duration_seconds_bucket": {"outcome", "le"},
    "expe_webhook_attempt_duration_seconds_count": {"outcome"},
    "expe_webhook_attempt_duration_seconds_sum": {"outcome"},
    "expe_webhook_messages_total": {"state"},
    "expe_webhook_backlog": set(),
    "expe_webhook_in_flight": set(),
    # the Python client's process collector
    "process_cpu_seconds_total": set(),
    "process_resident_memory_bytes": set(),
    "process_open_fds": set(),
    "up": set(),  # Prometheus' own per-target series
    "ALERTS": {"alertname", "alertstate", "severity"},  # Prometheus' own, one per pending alert
}
TARGET_LABELS = {"job", "instance"}
LABEL_VALUES = {
    "outcome": {"processed", "duplicate", "failed"},
    "reason": {"timeout", "unavailable"},
    "job": set(PROCESSES),
}
# Where one metric's label takes other values than the same label elsewhere.
METRIC_LABEL_VALUES: dict[str, dict[str, set[str]]] = {
    "expe_webhook_attempts_total": {
        "outcome": {
            "succeeded",
            "http_status",
            "timeout",
            "connection_error",
            "dns_error",
            "address_not_allowed",
            "interrupted",
        }
    },
    "expe_webhook_messages_total": {"state": {"delivered", "dead", "canceled"}},
    "ALERTS": {"alertstate": {"pending", "firing"}},
}
_WEBHOOK_OUTCOMES = METRIC_LABEL_VALUES["expe_webhook_attempts_total"]
for _suffix in ("bucket", "count", "sum"):
    METRIC_LABEL_VALUES[f"expe_webhook_attempt_duration_seconds_{_suffix}"] = _WEBHOOK_OUTCOMES
    # shared/redis_metrics.py: answered, unreachable or silent, refused
    METRIC_LABEL_VALUES[f"expe_redis_command_duration_seconds_{_suffix}"] = {
        "outcome": {"ok", "connection_error", "error"}
    }
    # shared/mongo.py: the command succeeded or failed
    METRIC_LABEL_VALUES[f"expe_mongo_command_duration_seconds_{_suffix}"] = {
        "outcome": {"ok", "error"}
    }
SEVERITIES = {"critical", "warning", "info"}


def uvicorn_command(name: str) -> list[str]:
    module, port = PROCESSES[name]
    return [
        "uvicorn",
        f"{module}:create_app",
        "--factory",
        "--host",
        "0.0.0.0",
        "--port",
        str(port),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
    ]


def label_values(metric: str, label: str) -> set[str] | None:
    """The values `label` takes on `metric`, when the contract knows them."""
    return METRIC_LABEL_VALUES.get(metric, {}).get(label, LABEL_VALUES.get(label))


def expected_env(name: str) -> set[str]:
    return COMMON_ENV | ROLE_ENV.get(name, set())


# ---------------------------------------------------------------------------------- helpers


class UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping with the same key twice (YAML says last one wins)."""

    def compose_mapping_node(self, anchor: str | None) -> yaml.MappingNode:
        node = super().compose_mapping_node(anchor)
        seen: set[Any] = set()
        for key, _ in node.value:
            if key.tag == "tag:yaml.org,2002:merge" or not isinstance(key, yaml.ScalarNode):
                continue
            if key.value in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key.value!r}", key.start_mark
                )
            seen.add(key.value)
        return node


def load_yaml(path: Path) -> Any:
    with path.open() as f:
        return yaml.load(f, Loader=UniqueKeyLoader)


def load_yaml_docs(text: str) -> list[Any]:
    return [doc for doc in yaml.load_all(text, Loader=UniqueKeyLoader) if doc is not None]


def run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False, **kwargs)


def run_ok(cmd: list[str], **kwargs: Any) -> str:
    proc = run(cmd, **kwargs)
    assert proc.returncode == 0, f"{shlex.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def parse_duration(text: str) -> float:
    """Prometheus / compose duration ("1m30s", "10s") in seconds."""
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)", str(text))
    assert parts and "".join(n + u for n, u in parts) == str(text), f"bad duration {text!r}"
    return sum(float(n) * units[u] for n, u in parts)


def host_port(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    return parts.hostname or "", parts.port


# ------------------------------------------------------------------------------- tool fixtures


@pytest.fixture(scope="session")
def deploycheck() -> str:
    out = run_ok(["bash", str(ROOT / "tests/deploy/deploycheck/build.sh")])
    return out.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def helm() -> str:
    run_ok(["bash", str(ROOT / "deploy/local/install-helm.sh")])
    path = EXPE_HOME / "bin" / "helm"
    assert path.is_file(), f"install-helm.sh did not produce {path}"
    return str(path)


@pytest.fixture(scope="session")
def promql(deploycheck: str):
    """Parse PromQL with Prometheus' own parser; returns selectors and grouping per expression."""

    @functools.cache
    def inspect(expr: str) -> dict[str, Any]:
        return inspect_many((expr,))[0]

    def inspect_many(exprs: tuple[str, ...]) -> list[dict[str, Any]]:
        out = run_ok([deploycheck, "promql"], input=json.dumps(list(exprs)))
        return json.loads(out)

    return inspect


# ------------------------------------------------------------------------------- Dockerfile


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text()
    logical: list[str] = []
    buf = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not buf and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            buf += stripped[:-1] + " "
            continue
        logical.append(buf + stripped)
        buf = ""
    return [
        (ins.split(None, 1)[0].upper(), ins.split(None, 1)[1] if " " in ins else "")
        for ins in logical
    ]


def final_stage() -> tuple[str, list[tuple[str, str]]]:
    """Base image (global ARGs resolved) and instructions of the last stage."""
    instructions = dockerfile_instructions()
    starts = [i for i, (op, _) in enumerate(instructions) if op == "FROM"]
    args = {
        rest.split("=", 1)[0].strip(): rest.split("=", 1)[1].strip()
        for op, rest in instructions[: starts[0]]
        if op == "ARG" and "=" in rest
    }
    base = instructions[starts[-1]][1].split()[0]
    base = re.sub(r"\$\{?(\w+)\}?", lambda m: args.get(m.group(1), m.group(0)), base)
    return base, instructions[starts[-1] + 1 :]


def test_dockerfile_runtime_image_is_python_312_slim_as_a_non_root_user():
    base, stage = final_stage()
    assert base == "python:3.12-slim"
    users = [rest.strip() for op, rest in stage if op == "USER"]
    assert users, "the runtime stage never leaves root"
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) != 0, (
        "USER must be a numeric non-zero uid (runAsNonRoot checks it)"
    )


def test_dockerfile_installs_the_project_without_dev_extras():
    installs = [
        rest for op, rest in dockerfile_instructions() if op == "RUN" and "pip install" in rest
    ]
    assert any(re.search(r"pip install (--\S+ )*\.(\s|$)", cmd) for cmd in installs), installs
    assert not any("[dev]" in cmd or "-e " in cmd for cmd in installs), (
        "dev extras or editable install in the image"
    )


def copy_sources() -> list[str]:
    """Sources of the build-context COPYs (not those from another stage)."""
    sources: list[str] = []
    for op, rest in dockerfile_instructions():
        if op == "COPY" and "--from" not in rest:
            words = [w for w in rest.split() if not w.startswith("--")]
            sources += [w.rstrip("/").removeprefix("./") for w in words[:-1]]
    return sources


def test_dockerfile_copies_every_package_pyproject_builds():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    copied = copy_sources()
    includes = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = {pattern.split(".")[0].rstrip("*") for pattern in includes}
    assert packages == {"shared", "gateway", "services"}
    assert packages <= set(copied), f"not copied into the image: {packages - set(copied)}"
    assert "pyproject.toml" in copied
    readme = pyproject["project"].get("readme")
    if isinstance(readme, str):
        assert any(fnmatch.fnmatchcase(readme, src) for src in copied), (
            f"pyproject's readme {readme} is not copied"
        )


def test_dockerfile_copy_sources_exist_and_reach_the_build_context():
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    patterns = [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    for src in copy_sources():
        if re.search(r"[*?[]", src):
            continue  # a wildcard may match nothing (an optional file)
        assert (ROOT / src).exists(), f"COPY {src}: no such file in the repository"
        assert not dockerignore_excludes(src, patterns), f"COPY {src}: .dockerignore leaves it out"


def test_dockerfile_healthcheck_and_default_command_serve_the_gateway():
    _, stage = final_stage()
    health = [rest for op, rest in stage if op == "HEALTHCHECK"]
    assert health and "/healthz" in health[-1]
    cmd = json.loads([rest for op, rest in stage if op == "CMD"][-1])
    assert cmd == uvicorn_command("gateway")


def dockerignore_excludes(path: str, patterns: list[str]) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parents decides."""

    def to_regex(pattern: str) -> re.Pattern[str]:
        out = ""
        i = 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                out += "(?:.*/)?"
                i += 3
            elif pattern.startswith("**", i):
                out += ".*"
                i += 2
            elif pattern[i] == "*":
                out += "[^/]*"
                i += 1
            elif pattern[i] == "?":
                out += "[^/]"
                i += 1
            else:
                out += re.escape(pattern[i])
                i += 1
        return re.compile(out + r"\Z")

    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    excluded = False
    for raw in patterns:
        negate = raw.startswith("!")
        pattern = os.path.normpath(raw[1:] if negate else raw).strip("/")
        rx = to_regex(pattern)
        if any(rx.match(c) for c in candidates):
            excluded = not negate
    return excluded


def test_dockerignore_sends_the_sources_and_nothing_local():
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    patterns = [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    for needed in [
        "pyproject.toml",
        "README.md",
        "shared/money.py",
        "gateway/app.py",
        "services/payments/app.py",
    ]:
        assert not dockerignore_excludes(needed, patterns), (
            f"{needed} would be left out of the build"
        )
    for local in [
        ".venv/bin/python",
        ".git/HEAD",
        ".env",
        "tests/e2e/test_checkout.py",
        "shared/__pycache__/money.cpython-312.pyc",
        "services/payments/__pycache__/app.cpython-312.pyc",
        "node_modules/x/index.js",
    ]:
        assert dockerignore_excludes(local, patterns), f"{local} would be sent to the build"


# ------------------------------------------------------------------------------- compose


@pytest.fixture(scope="session")
def compose_raw() -> dict[str, Any]:
    return load_yaml(ROOT / "docker-compose.yml")


@pytest.fixture(scope="session")
def compose(deploycheck: str) -> dict[str, Any]:
    """The project as the compose loader sees it: schema-checked, anchors merged, interpolated."""
    return json.loads(run_ok([deploycheck, "compose", str(ROOT / "docker-compose.yml")]))


def healthcheck_test(svc: dict[str, Any]) -> str:
    hc = svc.get("healthcheck") or {}
    assert hc and not hc.get("disable"), "no healthcheck"
    test = hc.get("test")
    assert test and test[0] in {"CMD", "CMD-SHELL"}, f"healthcheck test {test!r}"
    return " ".join(test[1:])


def test_compose_has_every_process_and_infrastructure_service(compose):
    assert set(PROCESSES) | set(INFRA) <= set(compose["services"])


@pytest.mark.parametrize("name", list(PROCESSES))
def test_compose_process_runs_its_module_from_the_locally_built_image(compose, name):
    svc = compose["services"][name]
    assert svc["command"] == uvicorn_command(name)
    assert Path(svc["build"]["context"]).resolve() == ROOT
    assert Path(svc["build"].get("dockerfile", "Dockerfile")).name == "Dockerfile"
    images = {compose["services"][p].get("image") for p in PROCESSES}
    assert len(images) == 1, f"the processes must share one image, got {images}"


@pytest.mark.parametrize("name", list(PROCESSES))
def test_compose_process_healthcheck_probes_its_own_healthz(compose, name):
    test = healthcheck_test(compose["services"][name])
    assert f":{PROCESSES[name][1]}/healthz" in test


@pytest.mark.parametrize("name", INFRA)
def test_compose_infrastructure_has_a_healthcheck(compose, name):
    assert healthcheck_test(compose["services"][name])


@pytest.mark.parametrize("name", list(PROCESSES))
def test_compose_process_environment_is_the_contract(compose, name):
    env = compose["services"][name]["environment"]
    expe = {k for k in env if k.startswith("EXPE_")}
    # Compose runs Redis behind Sentinel; the cluster manifests take an external Redis's URL.
    expected = expected_env(name) | {"EXPE_REDIS__SENTINELS", "EXPE_REDIS__SENTINEL_MASTER"}
    assert expe == expected, f"missing {expected - expe}, unexpected {expe - expected}"
    assert env["EXPE_ENV"] in EXPE_ENVS
    assert env["EXPE_INTERNAL_SECRET"], "empty internal secret"
    assert re.fullmatch(r"[a-z][a-z0-9_]*", env["EXPE_MONGO__DB_PREFIX"])


def url_hosts(url: str) -> list[tuple[str, int]]:
    """host:port pairs of a MongoDB URL's seed list (urlsplit reads only one host)."""
    netloc = urlsplit(url).netloc.rpartition("@")[2]
    return [(h, int(p)) for h, _, p in (hp.partition(":") for hp in netloc.split(","))]


def url_options(url: str) -> dict[str, str]:
    return dict(p.split("=", 1) for p in urlsplit(url).query.split("&") if p)


def command_flag(command: list[str], flag: str) -> str:
    assert flag in command, f"{flag} missing from {command}"
    return command[command.index(flag) + 1]


def shell_script(svc: dict[str, Any]) -> str:
    return " ".join((svc.get("entrypoint") or []) + (svc.get("command") or []))


@pytest.mark.parametrize("name", list(PROCESSES))
def test_compose_process_environment_points_at_the_compose_infrastructure(compose, name):
    services = compose["services"]
    env = services[name]["environment"]

    mongo = env["EXPE_MONGO__URL"]
    assert urlsplit(mongo).scheme == "mongodb"
    assert url_hosts(mongo) == [(member, 27017) for member in MONGO_MEMBERS], (
        "the driver is seeded with every member of the replica set"
    )
    assert url_options(mongo).get("replicaSet") == REPLICA_SET

    brokers = [s.partition(":") for s in env["EXPE_KAFKA__BOOTSTRAP_SERVERS"].split(",")]
    assert [(host, int(port)) for host, _, port in brokers] == [(b, 9092) for b in KAFKA_BROKERS]

    # The client asks the sentinels for the primary (shared/redis_client.py): every sentinel
    # is named, with the name they monitor the primary by.
    assert urlsplit(env["EXPE_REDIS__URL"]).scheme == "redis"
    sentinels = [host_port(f"redis://{s}") for s in json.loads(env["EXPE_REDIS__SENTINELS"])]
    assert sentinels == [(s, 26379) for s in REDIS_SENTINELS]
    monitored = shell_script(services[REDIS_SENTINELS[0]])
    assert f"sentinel monitor {env['EXPE_REDIS__SENTINEL_MASTER']} {REDIS_PRIMARY} " in monitored

    otel_host, otel_port = host_port(env["EXPE_OTEL__ENDPOINT"])
    assert otel_host == "jaeger" and otel_port == 4318, "OTLP/HTTP is jaeger:4318"
    assert services["jaeger"]["environment"].get("COLLECTOR_OTLP_ENABLED") == "true"


def test_compose_mongo_is_a_replica_set_of_three_members_formed_by_its_init(compose):
    services = compose["services"]
    for member in MONGO_MEMBERS:
        command = services[member]["command"]
        assert command[0] == "mongod" and command_flag(command, "--replSet") == REPLICA_SET
        assert "--bind_ip_all" in command, f"{member} must accept the other members"
    init = services["mongo-init"]
    assert init.get("restart") == "no"
    script = shell_script(init)
    assert "rs.initiate" in script and f"_id: '{REPLICA_SET}'" in script
    hosts = re.findall(r"host: '([\w-]+):(\d+)'", script)
    assert hosts == [(member, "27017") for member in MONGO_MEMBERS]
    # It ends once a primary is elected, not as soon as the command is sent.
    assert "db.hello().primary" in script and "quit(1)" in script
    for member in MONGO_MEMBERS:
        assert init["depends_on"][member]["condition"] == "service_healthy"


def test_compose_kafka_is_three_brokers_in_one_kraft_quorum(compose):
    import base64

    services = compose["services"]
    envs = [services[b]["environment"] for b in KAFKA_BROKERS]
    ids = [int(e["KAFKA_NODE_ID"]) for e in envs]
    assert len(set(ids)) == len(KAFKA_BROKERS)
    for broker, env in zip(KAFKA_BROKERS, envs, strict=True):
        assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
        assert "KAFKA_ZOOKEEPER_CONNECT" not in env
        voters = dict(v.split("@", 1) for v in env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split(","))
        controller_port = next(
            listener.rsplit(":", 1)[1]
            for listener in env["KAFKA_LISTENERS"].split(",")
            if listener.startswith(env["KAFKA_CONTROLLER_LISTENER_NAMES"] + "://")
        )
        assert voters == {
            str(i): f"{b}:{controller_port}" for i, b in zip(ids, KAFKA_BROKERS, strict=True)
        }, f"{broker} must know every voter"
        advertised = {
            listener.split("://", 1)[0]: listener.split("://", 1)[1]
            for listener in env["KAFKA_ADVERTISED_LISTENERS"].split(",")
        }
        assert (
            advertised[env.get("KAFKA_INTER_BROKER_LISTENER_NAME", "PLAINTEXT")] == f"{broker}:9092"
        )
        assert int(env["KAFKA_DEFAULT_REPLICATION_FACTOR"]) == len(KAFKA_BROKERS)
        assert int(env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"]) == len(KAFKA_BROKERS)
        assert int(env["KAFKA_MIN_INSYNC_REPLICAS"]) == MIN_INSYNC_REPLICAS
        assert int(env["KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"]) == MIN_INSYNC_REPLICAS
    # Every broker formats its storage with the same cluster id: a base64 UUID (16 bytes).
    (cluster_id,) = {e["CLUSTER_ID"] for e in envs}
    assert len(base64.urlsafe_b64decode(cluster_id + "==")) == 16
    published = [p["published"] for b in KAFKA_BROKERS for p in services[b].get("ports", [])]
    assert len(published) == len(set(published)), "two brokers on one host port"


def test_compose_redis_is_a_primary_with_replicas_and_a_sentinel_quorum(compose):
    services = compose["services"]
    primary = services[REDIS_PRIMARY]["command"]
    assert primary[0] == "redis-server" and "--replicaof" not in primary
    for replica in REDIS_REPLICAS:
        command = services[replica]["command"]
        assert command[command.index("--replicaof") + 1 :][:2] == [REDIS_PRIMARY, "6379"]
    for sentinel in REDIS_SENTINELS:
        script = shell_script(services[sentinel])
        assert "redis-sentinel" in script or "--sentinel" in script
        (monitor,) = re.findall(r"sentinel monitor (\S+) (\S+) (\d+) (\d+)", script)
        master, host, port, quorum = monitor
        assert (host, int(port)) == (REDIS_PRIMARY, 6379)
        # A majority of the sentinels must agree the primary is down before one is elected.
        assert len(REDIS_SENTINELS) // 2 < int(quorum) <= len(REDIS_SENTINELS)
        assert "sentinel resolve-hostnames yes" in script, "the primary is named by host name"
        assert f"ckquorum {master}" in healthcheck_test(services[sentinel])


def test_compose_gateway_settings_reach_each_service(compose):
    env = compose["services"]["gateway"]["environment"]
    for name in SERVICES:
        host, port = host_port(env[f"EXPE_SERVICES__{name.upper()}"])
        assert (host, port) == (name, PROCESSES[name][1])
    origins = json.loads(env["EXPE_CORS_ORIGINS"])
    assert isinstance(origins, list) and all(isinstance(o, str) for o in origins)
    assert int(env["EXPE_MAX_BODY_BYTES"]) > 0
    assert float(env["EXPE_UPSTREAM_TIMEOUT_SECONDS"]) > 0


def test_compose_payments_reaches_wallet_and_auth_reaches_mailpit(compose):
    services = compose["services"]
    assert host_port(services["payments"]["environment"]["EXPE_SERVICES__WALLET"]) == (
        "wallet",
        8003,
    )
    for caller in ("payments", "wallet"):
        assert host_port(services[caller]["environment"]["EXPE_SERVICES__AUTH"]) == ("auth", 8001)
    auth = services["auth"]["environment"]
    assert auth["EXPE_SMTP__HOST"] == "mailpit"
    smtp_ports = {int(p["target"]) for p in services["mailpit"].get("ports", [])} | {
        int(p) for p in services["mailpit"].get("expose", [])
    }
    assert int(auth["EXPE_SMTP__PORT"]) == 1025 and 1025 in smtp_ports


@pytest.mark.parametrize("name", list(PROCESSES))
def test_compose_process_waits_for_healthy_infrastructure(compose, name):
    deps = compose["services"][name].get("depends_on", {})
    for infra in (*MONGO_MEMBERS, *KAFKA_BROKERS, REDIS_PRIMARY):
        assert deps.get(infra, {}).get("condition") == "service_healthy", (
            f"{name} must wait for {infra}"
        )
    for init in INFRA_INIT:
        assert deps.get(init, {}).get("condition") == "service_completed_successfully", (
            f"{name} must wait for {init} to finish"
        )


def test_compose_gateway_waits_for_every_healthy_service(compose):
    deps = compose["services"]["gateway"]["depends_on"]
    for name in SERVICES:
        assert deps.get(name, {}).get("condition") == "service_healthy"


def test_compose_healthy_conditions_only_name_services_with_healthchecks(compose):
    services = compose["services"]
    for name, svc in services.items():
        for dep, spec in (svc.get("depends_on") or {}).items():
            if spec.get("condition") == "service_healthy":
                assert services[dep].get("healthcheck"), (
                    f"{name} waits for {dep} to be healthy, which has no healthcheck"
                )


def test_compose_publishes_only_the_gateway_among_the_processes(compose):
    services = compose["services"]
    gateway_ports = {
        (int(p["published"]), int(p["target"])) for p in services["gateway"].get("ports", [])
    }
    assert (8000, 8000) in gateway_ports
    for name in SERVICES:
        assert not services[name].get("ports"), f"{name} is internal and must not be published"


def test_topics_are_the_ones_the_code_publishes():
    from shared.events.envelope import TOPICS as CODE_TOPICS

    assert set(TOPICS) == set(CODE_TOPICS)


def test_compose_creates_every_topic(compose):
    from shared.events.topics import PARTITIONS, REPLICAS

    init = compose["services"]["kafka-init"]
    script = shell_script(init)
    assert "kafka-topics.sh" in script and "--create" in script
    # As the code would create them (shared/events/topics.py), each copy on its own broker, and
    # acknowledged once two hold it.
    words = script.split()
    assert int(command_flag(words, "--partitions")) == PARTITIONS
    assert int(command_flag(words, "--replication-factor")) == REPLICAS == len(KAFKA_BROKERS)
    assert command_flag(words, "--config") == f"min.insync.replicas={MIN_INSYNC_REPLICAS}"
    for broker in KAFKA_BROKERS:
        assert init["depends_on"][broker]["condition"] == "service_healthy"
    for topic in TOPICS:
        assert re.search(rf"(?<![\w.]){re.escape(topic)}(?![\w.])", script), (
            f"topic {topic} is not created"
        )


def mounts(svc: dict[str, Any]) -> dict[str, Path]:
    """container path -> host path of the service's bind mounts."""
    return {
        v["target"]: Path(v["source"]) for v in svc.get("volumes", []) if v.get("type") == "bind"
    }


def host_path(svc: dict[str, Any], container_path: str) -> Path:
    for target, source in sorted(mounts(svc).items(), key=lambda kv: -len(kv[0])):
        if container_path == target or container_path.startswith(target.rstrip("/") + "/"):
            return source / os.path.relpath(container_path, target)
    raise AssertionError(f"{container_path} is not mounted from the repository")


def test_compose_prometheus_loads_the_repository_config_and_rules(compose):
    prom = compose["services"]["prometheus"]
    flag = next(a for a in prom["command"] if a.startswith("--config.file="))
    config_path = host_path(prom, flag.split("=", 1)[1])
    assert config_path.resolve() == (OBS_DIR / "prometheus" / "prometheus.yml").resolve()
    config = load_yaml(config_path)
    rule_files = [
        Path(f)
        for pattern in config["rule_files"]
        for f in glob.glob(str(host_path(prom, pattern)))
    ]
    assert (OBS_DIR / "prometheus/rules/expe.rules.yml").resolve() in {
        f.resolve() for f in rule_files
    }


def test_compose_grafana_provisions_the_repository_dashboards(compose):
    grafana = compose["services"]["grafana"]
    provisioning = host_path(grafana, "/etc/grafana/provisioning")
    assert provisioning.resolve() == (OBS_DIR / "grafana/provisioning").resolve()
    providers = load_yaml(provisioning / "dashboards" / "expe.yml")["providers"]
    paths = {host_path(grafana, p["options"]["path"]).resolve() for p in providers}
    assert (OBS_DIR / "grafana/dashboards").resolve() in paths
    datasources = load_yaml(provisioning / "datasources" / "prometheus.yml")["datasources"]
    prom = next(d for d in datasources if d["type"] == "prometheus")
    host, port = host_port(prom["url"])
    assert host in compose["services"] and port == 9090


def test_compose_file_has_no_duplicate_keys(compose_raw):
    # loading with UniqueKeyLoader is the check; the processes are there in the raw file too
    assert set(PROCESSES) <= set(compose_raw["services"])


# ------------------------------------------------------------------------------- Kubernetes


def kustomization() -> dict[str, Any]:
    return load_yaml(K8S_DIR / "kustomization.yaml")


@pytest.fixture(scope="session")
def k8s_objects(deploycheck: str, tmp_path_factory) -> list[dict[str, Any]]:
    """deploy/k8s as `kubectl apply -k` sends it: built by kustomize, strictly decoded."""
    built = run_ok([deploycheck, "kustomize", str(K8S_DIR)])
    out = tmp_path_factory.mktemp("kustomize") / "built.yaml"
    out.write_text(built)
    run_ok([deploycheck, "k8s", str(out)])
    return load_yaml_docs(built)


@pytest.fixture(scope="session")
def helm_objects(helm: str, deploycheck: str, tmp_path_factory) -> list[dict[str, Any]]:
    rendered = run_ok([helm, "template", "expe", str(CHART_DIR), "--namespace", "expe"])
    out = tmp_path_factory.mktemp("helm") / "rendered.yaml"
    out.write_text(rendered)
    run_ok([deploycheck, "k8s", str(out)])
    return load_yaml_docs(rendered)


@pytest.fixture(params=["k8s", "helm"])
def objects(request) -> list[dict[str, Any]]:
    return request.getfixturevalue(f"{request.param}_objects")


def by_kind(objects: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [o for o in objects if o["kind"] == kind]


def component(objects: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    found = [
        o
        for o in by_kind(objects, kind)
        if o["metadata"].get("labels", {}).get("app.kubernetes.io/component") == name
    ]
    assert len(found) == 1, f"expected one {kind} for {name}, found {len(found)}"
    return found[0]


def named(objects: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    found = [o for o in by_kind(objects, kind) if o["metadata"]["name"] == name]
    assert found, f"no {kind} named {name}"
    return found[0]


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def container_of(deployment: dict[str, Any]) -> dict[str, Any]:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def container_env(
    objects: list[dict[str, Any]], deployment: dict[str, Any]
) -> dict[str, str | None]:
    """Every variable the container gets: envFrom ConfigMaps/Secrets that exist, then env."""
    c = container_of(deployment)
    env: dict[str, str | None] = {}
    for source in c.get("envFrom", []):
        if "configMapRef" in source:
            env.update(named(objects, "ConfigMap", source["configMapRef"]["name"])["data"])
        if "secretRef" in source:
            name = source["secretRef"]["name"]
            secrets = [s for s in by_kind(objects, "Secret") if s["metadata"]["name"] == name]
            # a Secret made out of band (existingSecret) carries EXPE_INTERNAL_SECRET and
            # EXPE_SEALING_KEYS by contract
            data = (
                {**secrets[0].get("data", {}), **secrets[0].get("stringData", {})}
                if secrets
                else {"EXPE_INTERNAL_SECRET": None, "EXPE_SEALING_KEYS": None}
            )
            env.update(dict.fromkeys(data, None))
    for var in c.get("env", []):
        ref = var.get("valueFrom", {}).get("configMapKeyRef")
        if ref:
            env[var["name"]] = named(objects, "ConfigMap", ref["name"])["data"][ref["key"]]
        else:
            env[var["name"]] = var.get("value")
    return env


def test_kustomization_lists_exactly_the_manifest_files():
    listed = kustomization()["resources"]
    assert len(listed) == len(set(listed)), "a file is listed twice"
    present = {p.name for p in K8S_DIR.glob("*.y*ml")} - {"kustomization.yaml"}
    assert set(listed) == present, (
        f"not listed: {present - set(listed)}, missing: {set(listed) - present}"
    )


def test_k8s_namespace_is_created_and_used(k8s_objects):
    namespaces = {o["metadata"]["name"] for o in by_kind(k8s_objects, "Namespace")}
    assert kustomization()["namespace"] in namespaces


def test_k8s_objects_all_land_in_the_namespace(k8s_objects):
    namespace = kustomization()["namespace"]
    for obj in k8s_objects:
        if obj["kind"] != "Namespace":
            assert obj["metadata"].get("namespace") == namespace, obj["metadata"]["name"]


def pod_specs(objects: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The pod template of every Deployment and CronJob."""
    for obj in objects:
        if obj["kind"] == "Deployment":
            yield obj["spec"]["template"]["spec"]
        elif obj["kind"] == "CronJob":
            yield obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]


def test_k8s_images_are_retagged_by_kustomize(k8s_objects):
    images = {image["name"]: image for image in kustomization().get("images", [])}
    for pod in pod_specs(k8s_objects):
        for c in pod["containers"]:
            name, _, tag = c["image"].rpartition(":")
            assert name in images, f"{c['image']} is not retagged by kustomization.yaml"
            assert tag == images[name]["newTag"]


@pytest.mark.parametrize("name", list(PROCESSES))
def test_deployment_runs_the_process_with_probes(objects, name):
    dep = component(objects, "Deployment", name)
    c = container_of(dep)
    assert c["command"] == uvicorn_command(name)
    ports = {p.get("name"): p["containerPort"] for p in c["ports"]}
    assert PROCESSES[name][1] in ports.values()

    def probe_port(probe: dict[str, Any]) -> int:
        port = probe["httpGet"]["port"]
        return ports[port] if isinstance(port, str) else port

    assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
    for kind in ("livenessProbe", "readinessProbe", "startupProbe"):
        if kind in c:
            assert probe_port(c[kind]) == PROCESSES[name][1], f"{kind} probes another port"
    if "startupProbe" in c:
        assert c["startupProbe"]["httpGet"]["path"] == "/healthz", (
            "a startup probe on /readyz would kill pods while infra is down"
        )


@pytest.mark.parametrize("name", list(PROCESSES))
def test_deployment_sets_resources_and_runs_non_root_on_a_read_only_root(objects, name):
    dep = component(objects, "Deployment", name)
    pod = dep["spec"]["template"]["spec"]
    c = container_of(dep)
    for part in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(c["resources"].get(part, {})), f"resources.{part}"
    pod_sc, sc = pod.get("securityContext", {}), c.get("securityContext", {})
    assert sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot")) is True
    assert sc.get("runAsUser", pod_sc.get("runAsUser", 1)) != 0
    assert sc.get("readOnlyRootFilesystem") is True
    assert sc.get("allowPrivilegeEscalation") is False
    assert "ALL" in sc.get("capabilities", {}).get("drop", [])
    # Python's tempfile needs a writable /tmp when the root filesystem is read-only.
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    tmp = [m for m in c.get("volumeMounts", []) if m["mountPath"] == "/tmp"]
    assert tmp and "emptyDir" in volumes[tmp[0]["name"]]


@pytest.mark.parametrize("name", list(PROCESSES))
def test_deployment_environment_is_the_contract(objects, name):
    dep = component(objects, "Deployment", name)
    env = container_env(objects, dep)
    expe = {k for k in env if k.startswith("EXPE_")}
    assert expe == expected_env(name), (
        f"missing {expected_env(name) - expe}, unexpected {expe - expected_env(name)}"
    )
    plain = {v["name"] for v in container_of(dep).get("env", []) if "value" in v}
    configmap_keys = {k for cm in by_kind(objects, "ConfigMap") for k in cm.get("data", {})}
    leaked = SECRET_ENV & (plain | configmap_keys)
    assert not leaked, f"{leaked} must come from a Secret"
    assert env["EXPE_ENV"] == "production"
    assert urlsplit(env["EXPE_MONGO__URL"]).scheme in {"mongodb", "mongodb+srv"}
    assert "replicaSet=" in env["EXPE_MONGO__URL"]
    assert urlsplit(env["EXPE_REDIS__URL"]).scheme in {"redis", "rediss"}
    assert all(
        re.fullmatch(r"[\w.-]+:\d+", s) for s in env["EXPE_KAFKA__BOOTSTRAP_SERVERS"].split(",")
    )


@pytest.mark.parametrize("name", list(PROCESSES))
def test_every_process_has_a_service_that_selects_its_pods(objects, name):
    dep = component(objects, "Deployment", name)
    svc = component(objects, "Service", name)
    pod_labels = dep["spec"]["template"]["metadata"]["labels"]
    assert selects(svc["spec"]["selector"], pod_labels)
    assert selects(dep["spec"]["selector"]["matchLabels"], pod_labels)
    ports = {p.get("name"): p["containerPort"] for p in container_of(dep)["ports"]}
    (port,) = svc["spec"]["ports"]
    assert port["port"] == PROCESSES[name][1]
    target = port.get("targetPort", port["port"])
    assert (ports.get(target) if isinstance(target, str) else target) == PROCESSES[name][1]
    others = [
        d["metadata"]["name"]
        for d in by_kind(objects, "Deployment")
        if d is not dep
        and selects(svc["spec"]["selector"], d["spec"]["template"]["metadata"]["labels"])
    ]
    assert not others, f"Service {name} also selects {others}"


def test_internal_urls_resolve_to_services_and_ports(objects):
    services = {
        s["metadata"]["name"]: {p["port"] for p in s["spec"]["ports"]}
        for s in by_kind(objects, "Service")
    }
    checked = 0
    for dep in by_kind(objects, "Deployment"):
        for key, value in container_env(objects, dep).items():
            if key.startswith("EXPE_SERVICES__"):
                host, port = host_port(value or "")
                target = key.removeprefix("EXPE_SERVICES__").lower()
                assert host in services and port in services[host], f"{key}={value} leads nowhere"
                assert component(objects, "Service", target)["metadata"]["name"] == host
                checked += 1
    assert (
        checked == len(SERVICES) + 5
    )  # the gateway's six, payments' wallet and auth, wallet's auth, webhooks' and
    # subscriptions' payments


def test_one_image_for_every_process(objects):
    images = {container_of(d)["image"] for d in by_kind(objects, "Deployment")}
    assert len(images) == 1, images


def test_ingress_routes_to_the_gateway_service(objects):
    (ingress,) = by_kind(objects, "Ingress")
    gateway = component(objects, "Service", "gateway")
    backends = [
        path["backend"]["service"]
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    ]
    assert backends
    for backend in backends:
        assert backend["name"] == gateway["metadata"]["name"]
        port = backend["port"]
        assert port.get("number") in {p["port"] for p in gateway["spec"]["ports"]} or port.get(
            "name"
        ) in {p.get("name") for p in gateway["spec"]["ports"]}
    tls_hosts = {h for t in ingress["spec"].get("tls", []) for h in t["hosts"]}
    assert {r["host"] for r in ingress["spec"]["rules"]} <= tls_hosts, (
        "the public API is served over TLS"
    )


def autoscaler_of(objects: list[dict[str, Any]], name: str) -> dict[str, Any]:
    dep = component(objects, "Deployment", name)
    hpas = [
        h
        for h in by_kind(objects, "HorizontalPodAutoscaler")
        if h["spec"]["scaleTargetRef"]["name"] == dep["metadata"]["name"]
    ]
    assert len(hpas) == 1, f"{name}: {len(hpas)} autoscalers"
    return hpas[0]


# The Pods metric prometheus-adapter serves from http_requests_total
# (deploy/k8s/prometheus-adapter/values.yaml).
REQUEST_RATE_METRIC = "http_requests_per_second"


@pytest.mark.parametrize("name", list(PROCESSES))
def test_every_process_autoscales_on_cpu_and_request_rate(objects, name):
    dep = component(objects, "Deployment", name)
    hpa = autoscaler_of(objects, name)
    spec = hpa["spec"]
    assert spec["scaleTargetRef"]["kind"] == "Deployment"
    assert 2 <= spec["minReplicas"] < spec["maxReplicas"]
    # The HPA owns the count: a replicas field would be reset by every apply.
    assert "replicas" not in dep["spec"]
    by_type = {m["type"]: m for m in spec["metrics"]}
    assert set(by_type) == {"Resource", "Pods"}
    cpu = by_type["Resource"]["resource"]
    assert cpu["name"] == "cpu" and cpu["target"]["type"] == "Utilization"
    # utilization is relative to the request: without one the HPA cannot compute it
    assert "cpu" in container_of(dep)["resources"]["requests"]
    pods = by_type["Pods"]["pods"]
    assert pods["metric"]["name"] == REQUEST_RATE_METRIC
    assert pods["target"]["type"] == "AverageValue" and float(pods["target"]["averageValue"]) > 0


def test_prometheus_adapter_serves_the_request_rate_from_the_request_counter(promql):
    rules = load_yaml(K8S_DIR / "prometheus-adapter" / "values.yaml")["rules"]
    (rule,) = [r for r in rules["custom"] if r["name"].get("as") == REQUEST_RATE_METRIC]
    series = promql(rule["seriesQuery"])["selectors"]
    assert [s["metric"] for s in series] == ["http_requests_total"]
    assert "http_requests_total" in METRICS
    assert re.fullmatch(rule["name"]["matches"], "http_requests_total")
    # Per pod, as the HPA asks for a Pods metric: the series must carry namespace and pod.
    assert rule["resources"]["overrides"] == {
        "namespace": {"resource": "namespace"},
        "pod": {"resource": "pod"},
    }
    query = (
        rule["metricsQuery"]
        .replace("<<.Series>>", "http_requests_total")
        .replace("<<.LabelMatchers>>", 'namespace="expe",pod=~"gateway-.*"')
        .replace("<<.GroupBy>>", "pod")
    )
    info = promql(query)
    assert "error" not in info, info
    assert "rate(" in query and ["pod"] in info["grouping"]
    excluded = [m for s in info["selectors"] for m in s["matchers"] if m["name"] == "handler"]
    assert excluded and all(m["type"] == "!~" for m in excluded), "probes counted as load"


def own_pods_selector(objects: list[dict[str, Any]], name: str) -> Any:
    """A check that a label selector selects the process's pods and no other process's."""
    dep = component(objects, "Deployment", name)

    def check(selector: dict[str, str], where: str) -> None:
        assert selects(selector, dep["spec"]["template"]["metadata"]["labels"]), where
        for other in PROCESSES:
            if other != name:
                other_labels = component(objects, "Deployment", other)["spec"]["template"]
                assert not selects(selector, other_labels["metadata"]["labels"]), (
                    f"{where} also selects {other}"
                )

    return check


@pytest.mark.parametrize("name", list(PROCESSES))
def test_replicas_avoid_sharing_a_node_and_spread_over_zones(objects, name):
    pod = component(objects, "Deployment", name)["spec"]["template"]["spec"]
    check = own_pods_selector(objects, name)
    anti = pod["affinity"]["podAntiAffinity"]
    terms = [
        w["podAffinityTerm"]
        for w in anti.get("preferredDuringSchedulingIgnoredDuringExecution", [])
    ] + anti.get("requiredDuringSchedulingIgnoredDuringExecution", [])
    hosts = [term for term in terms if term["topologyKey"] == "kubernetes.io/hostname"]
    assert hosts, "no anti-affinity across nodes"
    for term in hosts:
        check(term["labelSelector"]["matchLabels"], "the anti-affinity")
    zones = [
        c
        for c in pod["topologySpreadConstraints"]
        if c["topologyKey"] == "topology.kubernetes.io/zone"
    ]
    assert len(zones) == 1 and zones[0]["maxSkew"] == 1
    check(zones[0]["labelSelector"]["matchLabels"], "the zone spread")


# ---------------------------------------------------------------------- network policies


def callees(name: str) -> set[str]:
    """The processes `name` calls: the fields of its settings' `services` section (the code's
    EXPE_SERVICES__* settings; the gateway has one per service)."""
    field = settings_class(name).model_fields.get("services")
    return set(field.annotation.model_fields) if field else set()


def callers(name: str) -> set[str]:
    return {caller for caller in PROCESSES if name in callees(caller)}


def test_the_callers_are_the_ones_the_contract_names():
    for name in PROCESSES:
        declared = {
            v.removeprefix("EXPE_SERVICES__").lower()
            for v in ROLE_ENV.get(name, set())
            if v.startswith("EXPE_SERVICES__")
        }
        assert callees(name) == declared, name
    assert callers("wallet") == {"gateway", "payments"}
    assert callers("payments") == {"gateway", "webhooks", "subscriptions"}


def policies_of(objects: list[dict[str, Any]], pod_labels: dict[str, str]) -> list[dict[str, Any]]:
    """The ingress policies that select a pod with these labels (same namespace)."""
    return [
        p
        for p in by_kind(objects, "NetworkPolicy")
        if "Ingress" in p["spec"].get("policyTypes", ["Ingress"])
        and all(
            pod_labels.get(k) == v
            for k, v in p["spec"]["podSelector"].get("matchLabels", {}).items()
        )
    ]


def admitted(objects: list[dict[str, Any]], name: str) -> tuple[set[str], set[str], set[int]]:
    """Who the process's policies let in: processes of the release, outside peers (by namespace),
    and on which ports."""
    dep = component(objects, "Deployment", name)
    labels = dep["spec"]["template"]["metadata"]["labels"]
    ports = {p["name"]: p["containerPort"] for p in container_of(dep)["ports"]}
    inside: set[str] = set()
    outside: set[str] = set()
    allowed_ports: set[int] = set()
    for policy in policies_of(objects, labels):
        for rule in policy["spec"].get("ingress", []):
            assert rule.get("from"), f"{policy['metadata']['name']}: a rule open to every source"
            assert rule.get("ports"), f"{policy['metadata']['name']}: a rule open on every port"
            for port in rule["ports"]:
                allowed_ports.add(ports.get(port["port"], port["port"]))
            for peer in rule["from"]:
                assert "ipBlock" not in peer, "addresses instead of pods"
                if "namespaceSelector" in peer:
                    namespace = peer["namespaceSelector"]["matchLabels"]
                    assert "podSelector" in peer, f"every pod of {namespace} admitted"
                    outside.add(namespace["kubernetes.io/metadata.name"])
                    continue
                selector = peer["podSelector"]["matchLabels"]
                assert selector, "every pod of the namespace admitted"
                inside |= {
                    other
                    for other in PROCESSES
                    if selects(
                        selector,
                        component(objects, "Deployment", other)["spec"]["template"]["metadata"][
                            "labels"
                        ],
                    )
                }
    return inside, outside, allowed_ports


def test_every_pod_is_denied_ingress_unless_a_policy_admits_it(objects):
    deny = [
        p
        for p in by_kind(objects, "NetworkPolicy")
        if p["spec"].get("policyTypes") == ["Ingress"] and not p["spec"].get("ingress")
    ]
    assert len(deny) == 1
    for pod_labels in [
        *(d["spec"]["template"]["metadata"]["labels"] for d in by_kind(objects, "Deployment")),
        *(
            c["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"]
            for c in by_kind(objects, "CronJob")
        ),
    ]:
        assert deny[0] in policies_of(objects, pod_labels), pod_labels


@pytest.mark.parametrize("name", list(PROCESSES))
def test_a_process_is_reachable_only_from_its_callers_and_prometheus(objects, name):
    inside, outside, ports = admitted(objects, name)
    assert inside == callers(name), f"{name} admits {inside}, its callers are {callers(name)}"
    expected_outside = {"monitoring"} | ({"ingress-nginx"} if name == "gateway" else set())
    assert outside == expected_outside
    assert ports == {PROCESSES[name][1]}


def test_helm_network_policies_follow_the_values(helm):
    proc = helm_template(
        helm,
        "--set",
        "networkPolicy.prometheus.namespace=observability",
        "--set",
        "networkPolicy.ingressController.namespace=traefik",
    )
    assert proc.returncode == 0, proc.stderr
    objects = load_yaml_docs(proc.stdout)
    assert admitted(objects, "gateway")[1] == {"observability", "traefik"}
    assert admitted(objects, "wallet")[1] == {"observability"}
    proc = helm_template(helm, "--set", "networkPolicy.enabled=false")
    assert proc.returncode == 0, proc.stderr
    assert not by_kind(load_yaml_docs(proc.stdout), "NetworkPolicy")


# ---------------------------------------------------------------------- Prometheus in Kubernetes


def discovered_pod(deployment: dict[str, Any], namespace: str) -> dict[str, str]:
    """The labels Prometheus' Kubernetes discovery gives one pod of a Deployment (role: pod)."""
    template = deployment["spec"]["template"]

    def meta(prefix: str, items: dict[str, str]) -> dict[str, str]:
        return {prefix + re.sub(r"[^a-zA-Z0-9_]", "_", k): v for k, v in items.items()}

    return {
        "__address__": "10.1.2.3",
        "__meta_kubernetes_namespace": namespace,
        "__meta_kubernetes_pod_name": f"{deployment['metadata']['name']}-7d9f8-abcde",
        **meta("__meta_kubernetes_pod_label_", template["metadata"].get("labels", {})),
        **meta("__meta_kubernetes_pod_annotation_", template["metadata"].get("annotations", {})),
    }


def test_prometheus_in_kubernetes_scrapes_every_process_under_its_job_name(
    k8s_objects, deploycheck
):
    config = K8S_DIR / "prometheus" / "scrape-config.yaml"
    deployments = [component(k8s_objects, "Deployment", name) for name in PROCESSES]
    backup_pod = {
        "__address__": "10.1.2.9",
        "__meta_kubernetes_namespace": "expe",
        "__meta_kubernetes_pod_label_app_kubernetes_io_part_of": "expe",
        "__meta_kubernetes_pod_label_app_kubernetes_io_name": "backup",
    }
    targets = [discovered_pod(d, "expe") for d in deployments] + [backup_pod]
    out = json.loads(run_ok([deploycheck, "scrape", str(config)], input=json.dumps(targets)))
    (results,) = out.values()
    for name, result in zip(PROCESSES, results, strict=False):
        assert result is not None, f"{name} is not scraped"
        assert result["job"] == name, "the rules and dashboards group by job=<process>"
        assert result["__address__"] == f"10.1.2.3:{PROCESSES[name][1]}"
        assert result["__metrics_path__"] == "/metrics"
        # what prometheus-adapter maps to the pod the HPA asks about
        assert result["namespace"] == "expe" and result["pod"].startswith(name)
    assert results[-1] is None, "a pod without the scrape annotation is scraped"


# ---------------------------------------------------------------------- backups


BACKUP_SCRIPT = ROOT / "deploy" / "backup" / "expe-backup.sh"


def backup_help() -> str:
    return run_ok(["bash", str(BACKUP_SCRIPT), "--help"])


def backup_jobs(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The backup CronJobs by the command they run."""
    jobs = {}
    for cron in by_kind(objects, "CronJob"):
        (c,) = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
        jobs[c["args"][0]] = cron
    return jobs


def cron_minutes_between_runs(schedule: str) -> int:
    """Minutes between two runs of a schedule that repeats daily or every N minutes."""
    minute, hour, *rest = schedule.split()
    assert rest == ["*", "*", "*"], schedule
    if minute.startswith("*/") and hour == "*":
        return int(minute[2:])
    assert minute.isdigit() and hour.isdigit(), schedule
    return 24 * 60


def test_backups_run_nightly_and_the_oplog_every_few_minutes(objects):
    jobs = backup_jobs(objects)
    assert set(jobs) == {"full", "oplog"}
    assert cron_minutes_between_runs(jobs["full"]["spec"]["schedule"]) == 24 * 60
    assert cron_minutes_between_runs(jobs["oplog"]["spec"]["schedule"]) <= 15
    for cron in jobs.values():
        assert cron["spec"]["concurrencyPolicy"] == "Forbid", "two runs at once"
        assert cron["spec"].get("timeZone") == "Etc/UTC"


def test_backup_jobs_run_commands_and_settings_the_script_knows(objects):
    usage = backup_help()
    for command, cron in backup_jobs(objects).items():
        pod = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        (c,) = pod["containers"]
        assert c["image"].rpartition(":")[0].endswith("/expe-backup")
        assert f"expe-backup.sh {command}" in usage
        env = {v["name"] for v in c.get("env", [])}
        assert {v for v in env if v.startswith("EXPE_")} <= set(
            re.findall(r"EXPE_BACKUP_\w+", usage)
        )
        assert "EXPE_BACKUP_TARGET" in env
        # The replica set's credentials are in the URI: only ever from a Secret.
        assert "EXPE_BACKUP_MONGO_URI" not in env
        assert [s["secretRef"]["name"] for s in c["envFrom"] if "secretRef" in s]
        assert pod["restartPolicy"] == "Never"
        sc = c["securityContext"]
        assert sc["readOnlyRootFilesystem"] is True and sc["allowPrivilegeEscalation"] is False
        volumes = {v["name"]: v for v in pod["volumes"]}
        (tmp,) = [m for m in c["volumeMounts"] if m["mountPath"] == "/tmp"]
        assert "emptyDir" in volumes[tmp["name"]], "the archive is written to /tmp"


def test_helm_backup_to_a_folder_mounts_the_claim(helm):
    proc = helm_template(
        helm,
        "--set",
        "backup.target=/backups/expe",
        "--set",
        "backup.persistentVolumeClaim=expe-backups",
        "--set",
        "backup.retentionDays=30",
    )
    assert proc.returncode == 0, proc.stderr
    for cron in backup_jobs(load_yaml_docs(proc.stdout)).values():
        pod = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        (c,) = pod["containers"]
        env = {v["name"]: v.get("value") for v in c["env"]}
        assert env["EXPE_BACKUP_TARGET"] == "/backups/expe"
        assert env["EXPE_BACKUP_RETENTION_DAYS"] == "30"
        mount = next(
            m for m in c["volumeMounts"] if env["EXPE_BACKUP_TARGET"].startswith(m["mountPath"])
        )
        claim = next(v for v in pod["volumes"] if v["name"] == mount["name"])
        assert claim["persistentVolumeClaim"]["claimName"] == "expe-backups"
    proc = helm_template(helm, "--set", "backup.enabled=false")
    assert proc.returncode == 0, proc.stderr
    assert not by_kind(load_yaml_docs(proc.stdout), "CronJob")


@pytest.mark.parametrize("name", list(PROCESSES))
def test_every_process_has_a_disruption_budget_that_allows_drains(objects, name):
    dep = component(objects, "Deployment", name)
    pod_labels = dep["spec"]["template"]["metadata"]["labels"]
    pdbs = [
        p
        for p in by_kind(objects, "PodDisruptionBudget")
        if selects(p["spec"]["selector"]["matchLabels"], pod_labels)
    ]
    assert len(pdbs) == 1
    spec = pdbs[0]["spec"]
    replicas = dep["spec"].get("replicas")
    if replicas is None:  # managed by an HPA
        replicas = next(
            h["spec"]["minReplicas"]
            for h in by_kind(objects, "HorizontalPodAutoscaler")
            if h["spec"]["scaleTargetRef"]["name"] == dep["metadata"]["name"]
        )
    assert replicas >= 2, "one replica cannot survive a drain"
    if "maxUnavailable" in spec:
        assert spec["maxUnavailable"] not in (0, "0%")
    else:
        assert int(spec["minAvailable"]) < replicas


# ------------------------------------------------------------------------------- Helm


def test_helm_chart_metadata():
    chart = load_yaml(CHART_DIR / "Chart.yaml")
    assert chart["apiVersion"] == "v2"
    assert chart["name"] == "expe" == CHART_DIR.name
    assert re.fullmatch(r"\d+\.\d+\.\d+(-[\w.]+)?", chart["version"])
    assert chart.get("type", "application") == "application"
    assert (CHART_DIR / "templates" / "_helpers.tpl").is_file()


def test_helm_values_have_one_entry_per_process():
    values = load_yaml(CHART_DIR / "values.yaml")
    assert set(values["services"]) == set(PROCESSES)
    for name, svc in values["services"].items():
        assert (svc["module"], svc["port"]) == PROCESSES[name]
        assert svc["replicas"] >= 1
        assert {"requests", "limits"} <= set(svc["resources"])
    assert values["image"]["repository"]
    assert {"mongoUrl", "kafkaBootstrapServers", "redisUrl", "otelEndpoint"} <= set(values["infra"])
    assert "enabled" in values["ingress"]


def test_helm_lint_is_clean(helm):
    out = run_ok([helm, "lint", "--strict", str(CHART_DIR)])
    assert "0 chart(s) failed" in out


def test_helm_renders_the_same_objects_as_the_plain_manifests(k8s_objects, helm_objects):
    def shape(objects):
        return sorted(
            (o["kind"], o["metadata"].get("labels", {}).get("app.kubernetes.io/component", ""))
            for o in objects
            if o["kind"] != "Namespace"  # helm installs into a namespace, it doesn't own it
        )

    assert shape(helm_objects) == shape(k8s_objects)


def helm_template(helm: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run([helm, "template", "expe", str(CHART_DIR), "--namespace", "expe", *args])


def test_helm_values_schema_refuses_a_bad_port(helm):
    proc = helm_template(helm, "--set", "services.payments.port=http")
    assert proc.returncode != 0 and "port" in proc.stderr


def test_helm_without_autoscaling_sets_replicas(helm):
    proc = helm_template(
        helm,
        "--set",
        "services.gateway.autoscaling.enabled=false",
        "--set",
        "services.gateway.replicas=3",
    )
    assert proc.returncode == 0, proc.stderr
    objects = load_yaml_docs(proc.stdout)
    assert component(objects, "Deployment", "gateway")["spec"]["replicas"] == 3
    hpa_targets = {
        h["spec"]["scaleTargetRef"]["name"] for h in by_kind(objects, "HorizontalPodAutoscaler")
    }
    assert hpa_targets == {
        component(objects, "Deployment", name)["metadata"]["name"] for name in SERVICES
    }


def test_helm_uses_an_existing_secret_and_can_drop_the_ingress(helm):
    proc = helm_template(
        helm,
        "--set",
        "internalSecret.existingSecret=expe-prod-internal",
        "--set",
        "ingress.enabled=false",
    )
    assert proc.returncode == 0, proc.stderr
    objects = load_yaml_docs(proc.stdout)
    assert not by_kind(objects, "Secret") and not by_kind(objects, "Ingress")
    for dep in by_kind(objects, "Deployment"):
        refs = {s["secretRef"]["name"] for s in container_of(dep)["envFrom"] if "secretRef" in s}
        auth = dep["metadata"]["labels"]["app.kubernetes.io/name"] == "auth"
        assert refs == {"expe-prod-internal"} | ({"expe-auth-signing-key"} if auth else set())


def test_helm_takes_the_sealing_key_from_the_named_secret(helm):
    proc = helm_template(helm, "--set", "webhooks.sealingKeySecret=expe-prod-sealing")
    assert proc.returncode == 0, proc.stderr
    objects = load_yaml_docs(proc.stdout)
    for dep in by_kind(objects, "Deployment"):
        refs = secret_key_refs(dep)
        if dep["metadata"]["labels"]["app.kubernetes.io/component"] == "webhooks":
            assert refs == {"EXPE_SEALING_KEY": ("expe-prod-sealing", "EXPE_SEALING_KEY")}
        else:
            assert "EXPE_SEALING_KEY" not in refs


def test_helm_image_tag_and_infra_urls_come_from_values(helm):
    proc = helm_template(
        helm,
        "--set",
        "image.repository=registry.example.com/expe",
        "--set",
        "image.tag=1.2.3",
        "--set",
        "infra.redisUrl=redis://cache:6379/2",
    )
    assert proc.returncode == 0, proc.stderr
    objects = load_yaml_docs(proc.stdout)
    for dep in by_kind(objects, "Deployment"):
        assert container_of(dep)["image"] == "registry.example.com/expe:1.2.3"
        assert container_env(objects, dep)["EXPE_REDIS__URL"] == "redis://cache:6379/2"


def test_helm_generated_secret_is_not_a_placeholder(helm_objects):
    import base64

    (secret,) = by_kind(helm_objects, "Secret")
    value = base64.b64decode(secret["data"]["EXPE_INTERNAL_SECRET"]).decode()
    assert len(value) >= 32 and "change" not in value.lower()
    keyring = Keyring.parse(base64.b64decode(secret["data"]["EXPE_SEALING_KEYS"]).decode())
    ((key_id, key),) = keyring.keys
    assert key_id == "k1" and len(key) >= 32 and "change" not in key.lower()


def test_helm_public_settings_come_from_values(helm, monkeypatch):
    proc = helm_template(
        helm,
        "--set",
        "publicUrl=https://pay.example.com",
        "--set",
        "gateway.trustedProxies={10.8.0.0/14,fd00::/8}",
        "--set",
        "auth.platformAdmins={ops@example.com}",
    )
    assert proc.returncode == 0, proc.stderr
    objects = load_yaml_docs(proc.stdout)
    gateway = container_env(objects, component(objects, "Deployment", "gateway"))
    assert json.loads(gateway["EXPE_TRUSTED_PROXIES"]) == ["10.8.0.0/14", "fd00::/8"]
    for name in ("auth", "payments"):
        env = container_env(objects, component(objects, "Deployment", name))
        assert env["EXPE_PUBLIC_URL"] == "https://pay.example.com"
    auth = container_env(objects, component(objects, "Deployment", "auth"))
    assert json.loads(auth["EXPE_PLATFORM_ADMINS"]) == ["ops@example.com"]
    values = {k: v for k, v in gateway.items() if v is not None}
    values["EXPE_INTERNAL_SECRET"] = "x" * 48
    values["EXPE_SEALING_KEYS"] = "k1:" + "y" * 44
    settings = load_settings(monkeypatch, "gateway", values)
    assert settings.trusted_proxies == ("10.8.0.0/14", "fd00::/8")


MULTI_REGION = CHART_DIR / "values-multi-region.yaml"


@pytest.fixture(scope="session")
def multi_region_objects(helm: str, deploycheck: str, tmp_path_factory) -> list[dict[str, Any]]:
    rendered = run_ok(
        [helm, "template", "expe", str(CHART_DIR), "--namespace", "expe", "-f", str(MULTI_REGION)]
    )
    out = tmp_path_factory.mktemp("helm-multi-region") / "rendered.yaml"
    out.write_text(rendered)
    run_ok([deploycheck, "k8s", str(out)])
    return load_yaml_docs(rendered)


def test_multi_region_values_survive_a_zone_in_each_region(multi_region_objects):
    objects = multi_region_objects
    for name in PROCESSES:
        pod = component(objects, "Deployment", name)["spec"]["template"]["spec"]
        assert autoscaler_of(objects, name)["spec"]["minReplicas"] >= 3, "one per zone"
        (zone,) = pod["topologySpreadConstraints"]
        assert zone["whenUnsatisfiable"] == "DoNotSchedule"
        assert pod["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    # Backups run from one region's release, switched on there.
    assert not by_kind(objects, "CronJob")


def test_multi_region_values_share_one_database_and_one_kafka(multi_region_objects):
    env = container_env(
        multi_region_objects, component(multi_region_objects, "Deployment", "payments")
    )
    mongo = env["EXPE_MONGO__URL"]
    options = url_options(mongo)
    assert options["replicaSet"] and options["w"] == "majority"
    assert options.get("readPreference", "primary") == "primary", "the services read their writes"
    # Members and brokers in three regions: the second label of each host names its region.
    assert len({host.split(".")[1] for host, _ in url_hosts(mongo)}) >= 3
    brokers = [s.split(":")[0] for s in env["EXPE_KAFKA__BOOTSTRAP_SERVERS"].split(",")]
    assert len({host.split(".")[1] for host in brokers}) >= 3


def test_multi_region_values_say_what_is_global_and_what_is_regional():
    notes = " ".join(
        line.lstrip("# ") for line in MULTI_REGION.read_text().splitlines() if line.startswith("#")
    )
    for what, where in [("MongoDB", "global"), ("Kafka", "global"), ("Redis", "regional")]:
        assert re.search(rf"{what} is {where}", notes), f"the notes do not say {what} is {where}"


# ------------------------------------------------------------------------------- Prometheus


def prometheus_config() -> dict[str, Any]:
    return load_yaml(OBS_DIR / "prometheus" / "prometheus.yml")


def test_prometheus_scrapes_every_process_under_its_job_name(compose):
    jobs = {j["job_name"]: j for j in prometheus_config()["scrape_configs"]}
    assert set(PROCESSES) <= set(jobs)
    for name, (_, port) in PROCESSES.items():
        job = jobs[name]
        assert job.get("metrics_path", "/metrics") == "/metrics"
        targets = [t for sc in job["static_configs"] for t in sc["targets"]]
        assert targets, f"job {name} scrapes nothing"
        for target in targets:
            host, _, tport = target.partition(":")
            assert host == name and int(tport) == port, f"job {name} scrapes {target}"
            assert host in compose["services"]


def rule_files() -> list[Path]:
    return sorted((OBS_DIR / "prometheus" / "rules").glob("*.yml"))


def all_rules() -> Iterator[dict[str, Any]]:
    for f in rule_files():
        for group in load_yaml(f)["groups"]:
            yield from group["rules"]


def test_rule_files_parse_as_prometheus_parses_them(deploycheck):
    assert rule_files()
    out = json.loads(run_ok([deploycheck, "rules", *map(str, rule_files())]))
    assert out["rules"] == len(list(all_rules()))


def test_every_alert_has_for_severity_and_summary():
    alerts = [r for r in all_rules() if "alert" in r]
    assert alerts
    for rule in alerts:
        assert rule["expr"].strip(), rule["alert"]
        assert parse_duration(rule["for"]) > 0, f"{rule['alert']} fires on a single evaluation"
        assert rule.get("labels", {}).get("severity") in SEVERITIES, rule["alert"]
        assert rule.get("annotations", {}).get("summary", "").strip(), rule["alert"]
    names = [r["alert"] for r in alerts]
    assert len(names) == len(set(names)), "alert names repeat"


def recording_rules() -> dict[str, str]:
    return {r["record"]: r["expr"] for r in all_rules() if "record" in r}


def expand(expr: str, promql, depth: int = 0) -> list[dict[str, Any]]:
    """Selectors of an expression with recording rules replaced by what they record."""
    assert depth < 5, "recording rules refer to each other in a loop"
    info = promql(expr)
    assert "error" not in info, f"{expr}: {info.get('error')}"
    records = recording_rules()
    out = []
    for sel in info["selectors"]:
        if sel["metric"] in records:
            out.extend(expand(records[sel["metric"]], promql, depth + 1))
        else:
            out.append(sel)
    return out


def alert_selectors(promql) -> dict[str, tuple[str, list[dict[str, Any]]]]:
    return {r["alert"]: (r["expr"], expand(r["expr"], promql)) for r in all_rules() if "alert" in r}


def uses(selectors, metric, **matchers: str) -> bool:
    return any(
        (s["metric"] == metric or s["metric"].startswith(metric + "_"))
        and all(
            any(m["name"] == k and re.fullmatch(m["value"], v) for m in s["matchers"])
            for k, v in matchers.items()
        )
        for s in selectors
    )


@pytest.mark.parametrize(
    ("what", "metric", "matchers", "condition"),
    [
        ("5xx ratio per job", "http_requests_total", {"status": "503"}, None),
        ("p95 latency", "http_request_duration", {}, None),
        ("process down", "up", {}, r"==\s*0\b"),
        ("outbox backlog", "expe_outbox_pending", {}, None),
        ("consumer failures", "expe_events_consumed_total", {"outcome": "failed"}, None),
        ("gateway upstream errors", "expe_upstream_errors_total", {}, None),
        ("webhook backlog growing", "expe_webhook_backlog", {}, r"deriv\("),
        ("webhook delivery latency p95", "expe_webhook_delivery_latency_seconds", {}, r">\s*5\b"),
        ("dead webhook messages", "expe_webhook_messages_total", {"state": "dead"}, None),
    ],
)
def test_an_alert_watches(promql, what, metric, matchers, condition):
    matching = [
        name
        for name, (expr, sels) in alert_selectors(promql).items()
        if uses(sels, metric, **matchers) and (condition is None or re.search(condition, expr))
    ]
    assert matching, f"no alert on {what}"


def test_latency_alert_uses_the_95th_percentile(promql):
    records = recording_rules()
    for expr, sels in alert_selectors(promql).values():
        if any(s["metric"].startswith("http_request_duration") for s in sels):
            text = (
                expr
                + " "
                + " ".join(records.get(s["metric"], "") for s in promql(expr)["selectors"])
            )
            assert re.search(r"histogram_quantile\(\s*0\.95", text)
            return
    pytest.fail("no latency alert")


def check_query(expr: str, promql, extra_metrics: dict[str, set[str]]) -> None:
    info = promql(expr)
    assert "error" not in info, f"{expr}: {info.get('error')}"
    known = {**METRICS, **extra_metrics}
    labels_in_expr: set[str] = set(TARGET_LABELS)
    for sel in info["selectors"]:
        assert sel["metric"] in known, f"{sel['metric']} is not a metric Expe exposes ({expr})"
        allowed = known[sel["metric"]] | TARGET_LABELS
        labels_in_expr |= allowed
        for m in sel["matchers"]:
            assert m["name"] in allowed, f"{sel['metric']} has no label {m['name']} ({expr})"
            values = label_values(sel["metric"], m["name"])
            if m["type"] == "=" and values is not None:
                assert m["value"] in values, f"{m['name']}={m['value']!r} never occurs ({expr})"
            if m["type"] == "=~" and values is not None and "$" not in m["value"]:
                alts = set(m["value"].split("|"))
                if all(re.fullmatch(r"[\w.-]+", a) for a in alts):
                    assert alts <= values, f"{m['name']}=~{m['value']!r} ({expr})"
    for grouping in info["grouping"]:
        assert set(grouping) <= labels_in_expr, (
            f"grouping by {grouping} a label the series lack ({expr})"
        )


def recorded_labels(promql) -> dict[str, set[str]]:
    """Each recording rule's series and the labels it keeps (its outer grouping)."""
    labels = {}
    for name, expr in recording_rules().items():
        grouping = promql(expr)["grouping"]
        labels[name] = set(grouping[0]) if grouping else set()
    return labels


def test_rule_queries_use_contract_metrics_and_labels(promql):
    record_labels = recorded_labels(promql)
    assert record_labels
    for rule in all_rules():
        check_query(rule["expr"], promql, record_labels)


# ------------------------------------------------------------------------------- Grafana


def dashboards() -> dict[Path, dict[str, Any]]:
    files = sorted((OBS_DIR / "grafana" / "dashboards").glob("*.json"))
    assert any(f.name == "expe-overview.json" for f in files)
    return {f: json.loads(f.read_text()) for f in files}


def panels_of(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for panel in dashboard.get("panels", []):
        out.append(panel)
        out.extend(panel.get("panels", []))  # collapsed rows keep their panels inside
    return out


def substitute_variables(expr: str) -> str:
    expr = re.sub(r"\$__(rate_interval|interval|range)\b", "5m", expr)
    return re.sub(r"\$\{?(\w+)(?::\w+)?\}?", ".*", expr)


def grafana_datasources() -> list[dict[str, Any]]:
    files = (OBS_DIR / "grafana" / "provisioning" / "datasources").glob("*.y*ml")
    return [d for f in files for d in load_yaml(f).get("datasources", [])]


def test_dashboards_are_unique_and_use_provisioned_datasources():
    uids = {d["uid"] for d in grafana_datasources()}
    seen = set()
    for path, dash in dashboards().items():
        assert dash["uid"] not in seen, f"{path.name}: uid {dash['uid']} repeats"
        seen.add(dash["uid"])
        variables = {v["name"] for v in dash.get("templating", {}).get("list", [])}
        for panel in panels_of(dash):
            for ref in [panel.get("datasource")] + [
                t.get("datasource") for t in panel.get("targets", [])
            ]:
                if isinstance(ref, dict) and ref.get("uid") and not ref["uid"].startswith("$"):
                    assert ref["uid"] in uids, (
                        f"{path.name}: panel {panel['title']!r} uses datasource {ref['uid']}"
                    )
            for target in panel.get("targets", []):
                for var in re.findall(r"\$\{?(\w+)", target.get("expr", "")):
                    assert var.startswith("__") or var in variables, (
                        f"{path.name}: ${var} is not defined"
                    )


def test_dashboard_panels_have_ids_and_do_not_overlap():
    for path, dash in dashboards().items():
        panels = panels_of(dash)
        ids = [p["id"] for p in panels]
        assert len(ids) == len(set(ids)), f"{path.name}: panel ids repeat"
        boxes = [(p["title"], p["gridPos"]) for p in dash["panels"]]
        for i, (ta, a) in enumerate(boxes):
            assert 0 <= a["x"] and a["x"] + a["w"] <= 24, (
                f"{path.name}: {ta!r} is wider than the grid"
            )
            for tb, b in boxes[i + 1 :]:
                overlap = (
                    a["x"] < b["x"] + b["w"]
                    and b["x"] < a["x"] + a["w"]
                    and a["y"] < b["y"] + b["h"]
                    and b["y"] < a["y"] + a["h"]
                )
                assert not overlap, f"{path.name}: panels {ta!r} and {tb!r} overlap"


def dashboard_queries() -> list[tuple[str, str]]:
    return [
        (panel["title"], target["expr"])
        for dash in dashboards().values()
        for panel in panels_of(dash)
        if panel.get("type") != "row"
        for target in panel.get("targets", [])
    ]


def test_every_dashboard_panel_queries_something():
    for dash in dashboards().values():
        for panel in panels_of(dash):
            if panel.get("type") != "row":
                assert [t for t in panel.get("targets", []) if t.get("expr", "").strip()], panel[
                    "title"
                ]


def test_dashboard_queries_use_contract_metrics_and_labels(promql):
    queries = dashboard_queries()
    assert queries
    # A panel may show what a recording rule records.
    record_labels = recorded_labels(promql)
    for _, expr in queries:
        check_query(substitute_variables(expr), promql, record_labels)


@pytest.mark.parametrize(
    ("what", "metric", "group_by", "extra"),
    [
        ("request rate by job", "http_requests_total", {"job"}, None),
        ("errors by job", "http_requests_total", {"job"}, "5.."),
        ("p50 by job", "http_request_duration", {"job", "le"}, "0.5"),
        ("p95 by job", "http_request_duration", {"job", "le"}, "0.95"),
        ("p99 by job", "http_request_duration", {"job", "le"}, "0.99"),
        (
            "upstream latency",
            "expe_upstream_request_duration_seconds_bucket",
            {"upstream", "le"},
            None,
        ),
        ("outbox backlog", "expe_outbox_pending", set(), None),
        ("events consumed by outcome", "expe_events_consumed_total", {"outcome"}, None),
        ("webhook delivery p50", "expe_webhook_delivery_latency_seconds", {"le"}, "0.5"),
        ("webhook delivery p95", "expe_webhook_delivery_latency_seconds", {"le"}, "0.95"),
        ("webhook delivery p99", "expe_webhook_delivery_latency_seconds", {"le"}, "0.99"),
        ("webhook attempts by outcome", "expe_webhook_attempts_total", {"outcome"}, None),
        ("dead webhook messages", "expe_webhook_messages_total", set(), 'state="dead"'),
        ("webhook backlog", "expe_webhook_backlog", set(), None),
    ],
)
def test_overview_dashboard_shows(promql, what, metric, group_by, extra):
    for _title, expr in dashboard_queries():
        info = promql(substitute_variables(expr))
        if not any(s["metric"].startswith(metric) for s in info["selectors"]):
            continue
        if group_by and not any(group_by <= set(g) for g in info["grouping"]):
            continue
        if extra and extra not in expr:
            continue
        if (
            extra
            and extra.startswith("0.")
            and not re.search(rf"histogram_quantile\(\s*{re.escape(extra)}0*\s*,", expr)
        ):
            continue
        return
    pytest.fail(f"no panel shows {what}")


def test_grafana_dashboard_provider_points_at_the_mounted_folder(compose):
    # same path the compose file mounts observability/grafana/dashboards on
    providers = load_yaml(OBS_DIR / "grafana/provisioning/dashboards/expe.yml")["providers"]
    grafana = compose["services"]["grafana"]
    for provider in providers:
        folder = host_path(grafana, provider["options"]["path"])
        assert any(fnmatch.fnmatch(f.name, "*.json") for f in folder.iterdir()), (
            f"{folder} has no dashboards"
        )


# ------------------------------------------------------------------------------- the code

# What the deployment files say must be what the processes read: each EXPE_ variable names a
# settings field, the values parse, and the module in every command has the app factory.


def settings_class(name: str) -> type[Any]:
    """The process's settings class: its own settings module's, else the shared base."""
    from shared.settings import BaseServiceSettings

    module_name = "gateway.settings" if name == "gateway" else f"services.{name}.settings"
    if importlib.util.find_spec(module_name) is None:
        return BaseServiceSettings
    module = importlib.import_module(module_name)
    classes = [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type)
        and issubclass(obj, BaseServiceSettings)
        and obj.__module__ == module_name
    ]
    assert len(classes) == 1, f"{module_name} should define one settings class"
    return classes[0]


def settings_field(cls: type[Any], variable: str) -> bool:
    """Whether EXPE_A__B names field a.b of the settings class (pydantic-settings' mapping)."""
    model: Any = cls
    for part in variable.removeprefix("EXPE_").lower().split("__"):
        fields = getattr(model, "model_fields", None)
        if not fields or part not in fields:
            return False
        model = fields[part].annotation
    return True


def load_settings(monkeypatch: pytest.MonkeyPatch, name: str, env: dict[str, str]) -> Any:
    for key in list(os.environ):
        if key.startswith("EXPE_"):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return settings_class(name)()


def unread_variables(name: str, env: dict[str, Any]) -> set[str]:
    """EXPE_ variables the process's settings would silently ignore."""
    cls = settings_class(name)
    unread = {k for k in env if k.startswith("EXPE_") and not settings_field(cls, k)}
    # A service whose own settings module isn't written yet can't read its own variables yet;
    # the shared ones must be read by every process already.
    has_own_settings = cls.__module__ != "shared.settings"
    return unread if has_own_settings else unread - ROLE_ENV.get(name, set())


@pytest.mark.parametrize("name", list(PROCESSES))
def test_the_process_module_has_the_app_factory(name):
    module = importlib.import_module(PROCESSES[name][0])
    assert callable(getattr(module, "create_app", None)), f"{module.__name__}.create_app"


@pytest.mark.parametrize("name", list(PROCESSES))
def test_compose_environment_is_read_by_the_process_settings(compose, monkeypatch, name):
    env = {k: str(v) for k, v in compose["services"][name]["environment"].items()}
    assert not unread_variables(name, env)
    settings = load_settings(monkeypatch, name, env)
    assert settings.env == env["EXPE_ENV"]
    assert settings.mongo.url == env["EXPE_MONGO__URL"]
    assert settings.kafka.bootstrap_servers == env["EXPE_KAFKA__BOOTSTRAP_SERVERS"]


def secret_refs(deployment: dict) -> set[str]:
    sources = container_of(deployment).get("envFrom", [])
    return {source["secretRef"]["name"] for source in sources if "secretRef" in source}


def secret_key_refs(deployment: dict) -> dict[str, tuple[str, str]]:
    """variable -> (Secret, key) of the container's env entries taken from a Secret."""
    return {
        var["name"]: (ref["name"], ref["key"])
        for var in container_of(deployment).get("env", [])
        if (ref := var.get("valueFrom", {}).get("secretKeyRef"))
    }


@pytest.mark.parametrize("name", list(PROCESSES))
def test_k8s_environment_is_read_by_the_process_settings(objects, monkeypatch, name):
    dep = component(objects, "Deployment", name)
    env = container_env(objects, dep)
    assert not unread_variables(name, env)
    # a real secret, as an operator provides it: the shipped value must not be needed
    values = {k: v for k, v in env.items() if v is not None}
    values["EXPE_INTERNAL_SECRET"] = "x" * 48
    values["EXPE_SEALING_KEYS"] = "k1:" + "y" * 44
    if name == "auth":
        # The token signing key comes from the operator's own Secret, which auth mounts.
        assert "expe-auth-signing-key" in secret_refs(dep)
        values["EXPE_TOKENS__SIGNING_KEY"] = new_signing_key().to_pem()
    if name == "webhooks":
        # The sealing key comes from the operator's own Secret too.
        assert secret_key_refs(dep)["EXPE_SEALING_KEY"] == (
            "expe-webhooks-sealing-key",
            "EXPE_SEALING_KEY",
        )
        values["EXPE_SEALING_KEY"] = "s" * 44
    settings = load_settings(monkeypatch, name, values)
    assert settings.env == "production"
    assert settings.redis.url == env["EXPE_REDIS__URL"]


def test_k8s_secret_template_cannot_reach_production(k8s_objects, monkeypatch):
    from pydantic import ValidationError

    dep = component(k8s_objects, "Deployment", "payments")
    env = {k: v for k, v in container_env(k8s_objects, dep).items() if v is not None}
    (secret,) = by_kind(k8s_objects, "Secret")
    env.update(secret["stringData"])
    assert env["EXPE_ENV"] == "production"
    with pytest.raises(ValidationError, match="EXPE_INTERNAL_SECRET"):
        load_settings(monkeypatch, "payments", env)


def test_gateway_settings_parse_the_compose_values(compose, monkeypatch):
    env = {k: str(v) for k, v in compose["services"]["gateway"]["environment"].items()}
    settings = load_settings(monkeypatch, "gateway", env)
    assert list(settings.cors_origins) == json.loads(env["EXPE_CORS_ORIGINS"])
    assert settings.max_body_bytes == int(env["EXPE_MAX_BODY_BYTES"])
    for name in SERVICES:
        assert getattr(settings.services, name) == env[f"EXPE_SERVICES__{name.upper()}"]
