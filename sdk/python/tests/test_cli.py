"""The `expe` command, run as a subprocess against the stack."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import expe
from tests.cli import Running, cli_env, run
from tests.conftest import Stack, event_of
from tests.servers import Answer, LocalServer, Received, Relay


def test_login_verifies_and_stores_the_key_for_its_owner_only(tmp_path: Path, stack: Stack) -> None:
    home = cli_env(tmp_path / "config", {"EXPE_API_URL": stack.api_url})
    refused = run("login", "--api-key", "sk_test_" + "0" * 32, env=home)
    assert refused.returncode == 1 and "refused" in refused.stderr
    config = tmp_path / "config" / "expe" / "config.json"
    assert not config.exists()

    logged_in = run("login", env=home, stdin=stack.secret_key + "\n")  # asked for, not given
    assert logged_in.returncode == 0, logged_in.stderr
    assert "test-mode key ending in " + stack.secret_key[-4:] in logged_in.stdout
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert json.loads(config.read_text())["apiKey"] == stack.secret_key

    published = run("login", "--api-key", stack.publishable_key, env=home)
    assert published.returncode == 2 and "secret key" in published.stderr


def test_the_environment_key_wins_over_the_stored_one(env: dict[str, str], stack: Stack) -> None:
    wrong = run("payments", "list", env={**env, "EXPE_API_KEY": "sk_test_" + "1" * 32})
    assert wrong.returncode == 1 and "status=401" in wrong.stderr
    right = run("payments", "list", "--api-key", stack.secret_key, env=env)
    assert right.returncode == 0, right.stderr


def test_payments_are_created_listed_and_read(env: dict[str, str], client: expe.Expe) -> None:
    created = run(
        "payments", "create", "--amount", "1000", "--currency", "INR", "--order-id", "order_1",
        "--metadata", "cart=c_9", "--json", env=env,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    payment = json.loads(created.stdout)
    assert (payment["amount"], payment["orderId"], payment["metadata"]) == (
        1000,
        "order_1",
        {"cart": "c_9"},
    )
    assert client.payments.retrieve(payment["id"]).order_id == "order_1"

    listed = run("payments", "list", "--limit", "3", env=env)
    assert listed.returncode == 0, listed.stderr
    header, first = listed.stdout.splitlines()[:2]
    assert header.split() == ["ID", "STATUS", "AMOUNT", "CURRENCY", "ORDER", "CREATED"]
    assert first.split()[:5] == [payment["id"], "created", "1000", "INR", "order_1"]
    as_json = json.loads(run("payments", "list", "--limit", "3", "--json", env=env).stdout)
    assert as_json["data"][0]["id"] == payment["id"] and as_json["limit"] == 3

    shown = run("payments", "get", payment["id"], env=env)
    assert shown.returncode == 0, shown.stderr
    fields = dict(line.split(None, 1) for line in shown.stdout.splitlines())
    assert (fields["id"], fields["status"], fields["orderId"]) == (
        payment["id"],
        "created",
        "order_1",
    )

    missing = run("payments", "get", "pay_doesnotexist", env=env)
    assert missing.returncode == 1 and "payment_not_found" in missing.stderr


@pytest.mark.parametrize(
    ("event", "status"),
    [
        ("payment.completed", "succeeded"),
        ("payment.failed", "failed"),
        ("payment.canceled", "canceled"),
    ],
)
def test_trigger_makes_the_event_happen(
    env: dict[str, str], client: expe.Expe, event: str, status: str
) -> None:
    triggered = run("trigger", event, "--json", env=env)
    assert triggered.returncode == 0, triggered.stderr
    payment = json.loads(triggered.stdout)
    assert client.payments.retrieve(payment["id"]).status == status


def test_trigger_refund_issued_refunds_a_paid_payment(
    env: dict[str, str], client: expe.Expe
) -> None:
    triggered = run("trigger", "refund.issued", env=env)
    assert triggered.returncode == 0, triggered.stderr
    assert triggered.stdout.splitlines()[-1] == "Triggered refund.issued."
    payment_id = triggered.stdout.split("Created payment ")[1].split()[0]
    assert client.payments.retrieve(payment_id).amount_refunded == 1000


def test_trigger_refuses_a_live_key(env: dict[str, str]) -> None:
    refused = run("trigger", "payment.completed", "--api-key", "sk_live_" + "2" * 32, env=env)
    assert refused.returncode == 2 and "test-mode" in refused.stderr


class VerifyingReceiver:
    """A local server that accepts only deliveries signed with the listen secret."""

    def __init__(self) -> None:
        self.secret: str | None = None
        self.server = LocalServer(self._answer)

    def _answer(self, request: Received) -> Answer:
        try:
            assert self.secret is not None
            expe.webhooks.verify(request.body, request.headers, self.secret)
        except (AssertionError, expe.SignatureVerificationError):
            return Answer(400)
        return Answer(202)


@pytest.fixture
def verifying_receiver() -> Iterator[VerifyingReceiver]:
    receiver = VerifyingReceiver()
    with receiver.server:
        yield receiver


def _listen(
    env: dict[str, str], forward_to: str, api_url: str | None = None
) -> tuple[Running, str]:
    args = ["listen", "--forward-to", forward_to]
    if api_url:
        args += ["--api-url", api_url]
    listener = Running(*args, env=env)
    secret = listener.wait_for_line(r"signing secret is (whsec_\S+)").group(1)
    return listener, secret


def _delivered(receiver: VerifyingReceiver, event_type: str, payment_id: str) -> Received:
    return receiver.server.wait_for(
        lambda r: (
            event_of(r) == event_type and json.loads(r.body)["data"]["paymentId"] == payment_id
        ),
        what=f"{event_type} for {payment_id}",
    )


def test_listen_forwards_a_triggered_event_signed_with_its_secret(
    env: dict[str, str], verifying_receiver: VerifyingReceiver, stack: Stack
) -> None:
    target = verifying_receiver.server.url.removeprefix("http://") + "/hooks"
    listener, secret = _listen(env, target)
    try:
        verifying_receiver.secret = secret
        triggered = run("trigger", "payment.completed", "--json", env=env)
        payment_id = json.loads(triggered.stdout)["id"]
        delivery = _delivered(verifying_receiver, "payment.completed", payment_id)
        event = expe.webhooks.verify(delivery.body, delivery.headers, secret)
        assert event.merchant_id == stack.merchant_id and event.mode == "test"
        assert delivery.path == "/hooks" and delivery.headers["webhook-id"] == event.id
        listener.wait_for_line(rf"payment\.completed\s+{event.id}\s+{payment_id}.*\[202\]")
    finally:
        listener.stop()
    # The secret is kept with the login, so a receiver configured once stays valid.
    again, same_secret = _listen(env, target)
    again.stop()
    assert same_secret == secret


def test_listen_resumes_after_a_dropped_connection(
    env: dict[str, str], verifying_receiver: VerifyingReceiver, client: expe.Expe, stack: Stack
) -> None:
    gateway = urlsplit(stack.api_url)
    with Relay((gateway.hostname or "127.0.0.1", gateway.port or 80)).running() as relay:
        listener, secret = _listen(env, verifying_receiver.server.url, api_url=relay.url)
        verifying_receiver.secret = secret
        try:
            first = client.payments.create(amount=100, currency="INR", order_id="listen-1")
            _delivered(verifying_receiver, "payment.created", first.id)

            relay.refusing = True
            relay.cut()
            listener.wait_for_line("Connection lost")
            missed = client.payments.create(amount=200, currency="INR", order_id="listen-2")
            relay.refusing = False

            listener.wait_for_line("Reconnected; resuming after")
            _delivered(verifying_receiver, "payment.created", missed.id)
        finally:
            listener.stop()


def test_logs_tail_follows_the_requests_made(env: dict[str, str], client: expe.Expe) -> None:
    tail = Running("logs", "tail", "--limit", "3", env=env)
    try:
        with pytest.raises(expe.NotFoundError) as missing:
            client.payments.retrieve("pay_tailmarker")
        request_id = missing.value.request_id
        line = tail.wait_for_line(rf"GET\s+404\s+/api/v1/payments/pay_tailmarker\s+{request_id}")
        assert line.string.startswith("20")  # the time of the request first
    finally:
        tail.stop()
