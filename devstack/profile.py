"""Reads a stack profile (deploy/local/profiles/*.env) and derives every address from it."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROFILES = REPO / "deploy" / "local" / "profiles"

# Each process listens on the profile's base port plus its offset.
PROCESSES = {
    "gateway": ("gateway.app", 0),
    "auth": ("services.auth.app", 1),
    "payments": ("services.payments.app", 2),
    "wallet": ("services.wallet.app", 3),
    "webhooks": ("services.webhooks.app", 4),
    "analytics": ("services.analytics.app", 5),
    "subscriptions": ("services.subscriptions.app", 6),
}
SERVICES = tuple(name for name in PROCESSES if name != "gateway")
# The auth service's caps per address (services/auth/settings.py, RequestLimitSettings) that
# the local profiles raise to this many a minute.
LOCAL_ACCOUNT_LIMITS = ("register_per_ip", "password_forgot_per_ip", "password_reset_per_ip")
LOCAL_ACCOUNT_LIMIT_PER_MINUTE = 200
LOCAL_FAILED_LOGINS_PER_ADDRESS = 10_000


def read_env_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


@dataclass(frozen=True)
class Profile:
    name: str
    values: dict[str, str]

    @classmethod
    def load(cls, name: str) -> Profile:
        """The profile's values, each overridden by the environment variable of its name."""
        values = read_env_file(PROFILES / f"{name}.env")
        return cls(name, {key: os.environ.get(key, value) for key, value in values.items()})

    def port(self, key: str) -> int:
        return int(self.values[key])

    @property
    def data_dir(self) -> Path:
        return REPO / self.values["EXPE_DATA_DIR"]

    @property
    def mongo_url(self) -> str:
        return f"mongodb://127.0.0.1:{self.port('EXPE_STORE_PORT')}"

    @property
    def kafka_bootstrap(self) -> str:
        return f"127.0.0.1:{self.port('EXPE_KAFKA_PORT')}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.port('EXPE_REDIS_PORT')}/0"

    @property
    def mailpit_url(self) -> str:
        return f"http://127.0.0.1:{self.port('EXPE_MAILPIT_HTTP_PORT')}"

    @property
    def db_prefix(self) -> str:
        return self.values["EXPE_MONGO__DB_PREFIX"]

    @property
    def observed(self) -> bool:
        """Prometheus and Jaeger run beside the mesh, and every process sends its spans."""
        return self.values.get("EXPE_OBSERVED") == "1"

    @property
    def prometheus_url(self) -> str:
        return f"http://127.0.0.1:{self.port('EXPE_PROMETHEUS_PORT')}"

    @property
    def jaeger_url(self) -> str:
        return f"http://127.0.0.1:{self.port('EXPE_JAEGER_UI_PORT')}"

    @property
    def scrape_targets_path(self) -> Path:
        """The file Prometheus discovers the processes from (deploy/local/infra.sh)."""
        return self.data_dir / "prometheus" / "targets.json"

    def process_port(self, name: str) -> int:
        return self.port("EXPE_SERVICE_PORT_BASE") + PROCESSES[name][1]

    def process_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.process_port(name)}"

    def infra_env(self) -> dict[str, str]:
        """The EXPE_* settings every process of this profile runs with."""
        env = {
            "EXPE_ENV": "test" if self.name == "test" else "local",
            "EXPE_MONGO__URL": self.mongo_url,
            "EXPE_MONGO__DB_PREFIX": self.db_prefix,
            "EXPE_KAFKA__BOOTSTRAP_SERVERS": self.kafka_bootstrap,
            "EXPE_REDIS__URL": self.redis_url,
            "EXPE_SMTP__HOST": "127.0.0.1",
            "EXPE_SMTP__PORT": self.values["EXPE_MAILPIT_SMTP_PORT"],
        }
        env.update({f"EXPE_SERVICES__{s.upper()}": self.process_url(s) for s in SERVICES})
        # Everyone on a local machine signs up and asks for resets from one address, 127.0.0.1:
        # a public deployment's per-address caps would stop a test run or a bench's set-up.
        for name in LOCAL_ACCOUNT_LIMITS:
            env[f"EXPE_REQUEST_LIMITS__{name.upper()}"] = json.dumps(
                {"limit": LOCAL_ACCOUNT_LIMIT_PER_MINUTE, "window_seconds": 60}
            )
        # Failed logins still slow down guessing one account; per address they would let the
        # suite's fuzzers lock every later login of the machine out for an hour.
        env["EXPE_LOGIN_THROTTLE__FREE_ATTEMPTS_PER_IP"] = str(LOCAL_FAILED_LOGINS_PER_ADDRESS)
        if self.observed:
            env["EXPE_OTEL__ENDPOINT"] = f"http://127.0.0.1:{self.port('EXPE_JAEGER_OTLP_PORT')}"
            # Spans reach Jaeger within half a second rather than the SDK's default 5 s.
            env["OTEL_BSP_SCHEDULE_DELAY"] = "500"
        # Links in emails and checkout URLs lead to this profile's gateway, unless told otherwise.
        gateway = f"http://localhost:{self.process_port('gateway')}"
        env["EXPE_PUBLIC_URL"] = os.environ.get("EXPE_PUBLIC_URL", gateway)
        return env
