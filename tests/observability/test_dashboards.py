"""Every panel of every Grafana dashboard shows data, on a real Prometheus scraping the e2e stack
after real traffic through the gateway: each panel query is valid and returns series. Every
alert and recording rule evaluates there too, and the metrics behind the business and payments
panels counted the traffic that was sent."""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from devstack.accounts import SEEN, Session, bearer, create_key, create_merchant, sign_up
from devstack.profile import PROCESSES
from devstack.waiting import wait_until

# Autouse in this module, as in tests/e2e: every event consumer has joined before the traffic.
from tests.e2e.conftest import start_logs  # noqa: F401
from tests.observability.conftest import RULES, Prometheus
from tests.receivers import Receiver, receiving

pytestmark = pytest.mark.e2e

DASHBOARDS = sorted(
    (Path(__file__).resolve().parents[2] / "observability/grafana/dashboards").glob("*.json")
)
# What Grafana puts in for its own variables; every dashboard variable becomes "any value".
GRAFANA_VARIABLES = {"__rate_interval": "1m", "__interval": "1m", "__range": "1h"}
CARD_OK = {"number": "4242424242424242", "expMonth": 12, "expYear": 2030, "cvc": "123"}
CARD_DECLINED = {**CARD_OK, "number": "4000000000000002"}


@dataclass(frozen=True)
class Query:
    dashboard: str
    panel: str
    expr: str

    def __str__(self) -> str:
        return f"{self.dashboard} / {self.panel}: {self.expr}"


def with_variables(expr: str) -> str:
    def value(match: re.Match[str]) -> str:
        return GRAFANA_VARIABLES.get(match.group(1), ".*")

    return re.sub(r"\$\{?(\w+)(?::\w+)?\}?", value, expr)


def panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in dashboard["panels"]:
        yield panel
        yield from panel.get("panels", [])  # a collapsed row keeps its panels inside


def dashboard_queries() -> list[Query]:
    queries = []
    for path in DASHBOARDS:
        dashboard = json.loads(path.read_text())
        for panel in panels(dashboard):
            for target in panel.get("targets", []):
                queries.append(Query(dashboard["title"], panel["title"], target["expr"]))
        for variable in dashboard["templating"]["list"]:
            found = re.fullmatch(r"label_values\((.+),\s*(\w+)\)", variable.get("definition", ""))
            if found:
                metric, label = found.groups()
                expr = f"group by ({label}) ({metric})"
                queries.append(Query(dashboard["title"], f"variable ${variable['name']}", expr))
    return queries


def rule_expressions() -> list[tuple[str, str]]:
    return [
        (rule.get("alert") or rule["record"], rule["expr"])
        for path in RULES
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
    ]


def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return dict(response.json())


def idempotent(headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "Idempotency-Key": secrets.token_hex(8)}


# Counters the traffic below moves, and by how much at least: read before and after it.
COUNTED = {
    'expe_payments_total{status="succeeded", mode="test"}': 4,
    'expe_payments_total{status="succeeded", method="wallet"}': 1,
    'expe_payments_total{status="canceled", method="none"}': 1,
    'expe_payment_failures_total{code="card_declined", method="card"}': 1,
    'expe_payment_volume_minor_total{currency="INR", mode="test"}': 49_900 + 12_500 + 7_000 + 5_000,
    'expe_refunds_total{mode="test"}': 1,
    'expe_refund_volume_minor_total{currency="INR", mode="test"}': 2_000,
    "expe_signups_total": 1,
    "expe_signups_verified_total": 1,
    "expe_merchants_created_total": 1,
    'expe_api_errors_total{job="payments", code="payment_not_found"}': 1,
    'expe_api_errors_total{job="payments", code="parameter_invalid"}': 1,
    'expe_api_errors_total{job="gateway", status="401"}': 1,
    'expe_webhook_attempts_total{outcome="succeeded"}': 6,
    'expe_webhook_attempts_total{outcome="http_status"}': 3,
}


@dataclass
class Traffic:
    """What the counters read just before the traffic."""

    before: dict[str, float]


class Shop:
    """A merchant's server and its customers, through the gateway."""

    def __init__(self, gateway: httpx.Client, owner: Session) -> None:
        self.gateway = gateway
        merchant = create_merchant(gateway, owner)
        self.key = bearer(str(create_key(gateway, merchant)["secret"]))

    def register(self, url: str) -> None:
        body = {"url": url, "enabledEvents": ["*"], "description": "orders"}
        endpoint = created(
            self.gateway.post("/api/v1/webhooks/endpoints", json=body, headers=idempotent(self.key))
        )
        SEEN.add(endpoint["secret"])

    def payment(self, amount: int) -> dict[str, Any]:
        body = {"amount": amount, "currency": "INR", "orderId": f"order-{secrets.token_hex(4)}"}
        return created(
            self.gateway.post("/api/v1/payments", json=body, headers=idempotent(self.key))
        )

    def pay(self, payment: dict[str, Any], body: dict[str, Any], **headers: str) -> httpx.Response:
        return self.gateway.post(
            f"/api/v1/checkout/payments/{payment['id']}/confirm",
            json=body,
            headers={"Expe-Client-Secret": payment["clientSecret"], **headers},
        )

    def pay_by_card(self, amount: int, card: dict[str, Any], status: int = 200) -> dict[str, Any]:
        payment = self.payment(amount)
        paid = self.pay(payment, {"method": "card", "card": card})
        assert paid.status_code == status, paid.text
        return payment

    def refund(self, payment: dict[str, Any], amount: int) -> None:
        body = {"amount": amount, "reason": "one item returned"}
        path = f"/api/v1/payments/{payment['id']}/refund"
        created(self.gateway.post(path, json=body, headers=idempotent(self.key)))

    def cancel(self, payment: dict[str, Any]) -> None:
        canceled = self.gateway.post(f"/api/v1/payments/{payment['id']}/cancel", headers=self.key)
        assert canceled.status_code == 200, canceled.text

    def wallet(self, headers: dict[str, str]) -> str:
        """The caller's INR wallet: opened, or the one it has (a merchant has one per currency)."""
        opened = self.gateway.post(
            "/api/v1/wallets", json={"currency": "INR"}, headers=idempotent(headers)
        )
        assert opened.status_code in (200, 201), opened.text
        return str(opened.json()["id"])

    def pay_from_wallet(self, customer: Session, amount: int) -> None:
        """A customer tops up a wallet, pays a payment from it and sends money on to the shop."""
        source = self.wallet(customer.headers())
        topup = {"walletId": source, "amount": 3 * amount, "source": {"type": "upi"}}
        created(
            self.gateway.post("/api/v1/topups", json=topup, headers=idempotent(customer.headers()))
        )
        payment = self.payment(amount)
        paid = self.pay(payment, {"method": "wallet", "walletId": source}, **customer.headers())
        assert paid.status_code == 200, paid.text
        transfer = {
            "fromWalletId": source,
            "to": {"walletId": self.wallet(self.key)},
            "amount": amount,
            "currency": "INR",
        }
        created(
            self.gateway.post(
                "/api/v1/transfers", json=transfer, headers=idempotent(customer.headers())
            )
        )

    def mistakes(self) -> None:
        """What callers get wrong: an unknown payment, a bad body, no credentials."""
        unknown = self.gateway.get("/api/v1/payments/pay_does_not_exist", headers=self.key)
        assert unknown.status_code == 404, unknown.text
        invalid = self.gateway.post(
            "/api/v1/payments", json={"amount": -1, "currency": "INR"}, headers=idempotent(self.key)
        )
        assert invalid.status_code == 400, invalid.text
        anonymous = self.gateway.get("/api/v1/payments")
        assert anonymous.status_code == 401, anonymous.text


@pytest.fixture(scope="module")
def traffic(prometheus: Prometheus, gateway: httpx.Client, mailpit_url: str) -> Traffic:
    """The bench's kinds of traffic, once Prometheus scrapes every process: a sign-up, card
    payments paid, declined, refunded and canceled, a wallet payment and transfer, webhooks to a
    receiver that takes them and one that fails them, and some 4xx. Returned once Prometheus has
    scraped and evaluated its rules after all of it."""
    traffic = Traffic({expr: prometheus.value(f"sum({expr})") for expr in COUNTED})
    for card in (CARD_OK, CARD_DECLINED):
        SEEN.add(str(card["number"]))
    with (
        receiving(Receiver(default=200)) as taking,
        receiving(Receiver(default=500)) as failing,
    ):
        shop = Shop(gateway, sign_up(gateway, mailpit_url))
        shop.register(taking.url)
        shop.register(failing.url)
        for amount in (49_900, 12_500, 7_000):
            paid = shop.pay_by_card(amount, CARD_OK)
        shop.refund(paid, 2_000)
        shop.pay_by_card(1_000, CARD_DECLINED, status=402)
        shop.cancel(shop.payment(3_000))
        shop.pay_from_wallet(sign_up(gateway, mailpit_url), 5_000)
        shop.mistakes()
        # The payments' events reach the receiver that takes them; the failing one is tried.
        taking.wait_for(COUNTED['expe_webhook_attempts_total{outcome="succeeded"}'], timeout=60)
        failing.wait_for(COUNTED['expe_webhook_attempts_total{outcome="http_status"}'], timeout=60)
    sent = time.time()
    wait_until(
        lambda: scraped_and_evaluated_since(prometheus, sent),
        timeout=30,
        interval=0.5,
        what="a scrape of every process and an evaluation of every rule group after the traffic",
    )
    return traffic


def scraped_and_evaluated_since(prometheus: Prometheus, moment: float) -> bool:
    targets = httpx.get(f"{prometheus.url}/api/v1/targets", timeout=10).json()["data"]
    scrapes = {t["labels"]["job"]: t["lastScrape"] for t in targets["activeTargets"]}
    rules = httpx.get(f"{prometheus.url}/api/v1/rules", timeout=10).json()["data"]["groups"]
    evaluations = [group["lastEvaluation"] for group in rules]
    return set(scrapes) >= set(PROCESSES) and all(
        datetime.fromisoformat(at).timestamp() > moment for at in [*scrapes.values(), *evaluations]
    )


def test_every_panel_query_is_valid_and_returns_series(
    prometheus: Prometheus, traffic: Traffic
) -> None:
    queries = dashboard_queries()
    assert {q.dashboard for q in queries} >= {
        "Expe overview",
        "Expe payments",
        "Expe webhooks",
        "Expe system",
        "Expe errors",
        "Expe business",
        "Expe alerts",
    }
    problems = []
    for query in queries:
        answer = prometheus.query(with_variables(query.expr))
        if answer["status"] != "success":
            problems.append(f"{query}\n    invalid: {answer.get('error')}")
        elif not answer["data"]["result"]:
            problems.append(f"{query}\n    returned no series")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("rule", "expr"), rule_expressions(), ids=lambda v: str(v)[:60])
def test_every_rule_expression_evaluates(prometheus: Prometheus, rule: str, expr: str) -> None:
    answer = prometheus.query(expr)
    assert answer["status"] == "success", f"{rule}: {answer.get('error')}"


def test_rules_load_and_evaluate_without_errors(prometheus: Prometheus, traffic: Traffic) -> None:
    groups = httpx.get(f"{prometheus.url}/api/v1/rules", timeout=10).json()["data"]["groups"]
    loaded = {rule["name"] for group in groups for rule in group["rules"]}
    assert loaded == {name for name, _ in rule_expressions()}
    unhealthy = [
        f"{rule['name']}: {rule.get('lastError')}"
        for group in groups
        for rule in group["rules"]
        if rule["health"] != "ok"
    ]
    assert not unhealthy, unhealthy


def test_the_metrics_counted_the_traffic(prometheus: Prometheus, traffic: Traffic) -> None:
    short = {
        expr: f"{traffic.before[expr]:g} -> {after:g}, expected at least +{least:g}"
        for expr, least in COUNTED.items()
        if (after := prometheus.value(f"sum({expr})")) - traffic.before[expr] < least
    }
    assert not short, short
    # Counted once a minute by analytics, from the payments' buckets.
    wait_until(
        lambda: prometheus.value('max(expe_active_merchants{mode="test"})') >= 1,
        timeout=90,
        interval=1,
        what="analytics to count the merchant as active",
    )


def test_the_watchdog_fires(prometheus: Prometheus, traffic: Traffic) -> None:
    wait_until(
        lambda: prometheus.series('ALERTS{alertname="ExpeWatchdog", alertstate="firing"}'),
        timeout=90,
        interval=1,
        what="ExpeWatchdog to fire (a minute after the rules were loaded)",
    )
