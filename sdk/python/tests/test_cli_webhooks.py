"""`expe webhooks`, run as a subprocess against the stack with a receiver on this machine."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import expe
from tests.cli import run
from tests.conftest import event_of
from tests.servers import Answer, LocalServer, Received


class Receiver:
    """Answers 204 to every delivery; echoes a handshake's challenge only once told to."""

    def __init__(self) -> None:
        self.echoing = threading.Event()
        self.server = LocalServer(self._answer)

    def _answer(self, request: Received) -> Answer:
        event = json.loads(request.body)
        if event["type"] != "endpoint.verification":
            return Answer(204)
        if not self.echoing.is_set():
            return Answer(200, b"hello")
        return Answer(200, json.dumps({"challenge": event["data"]["challenge"]}).encode())


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    with made.server:
        yield made


@pytest.fixture
def endpoint(
    env: dict[str, str], receiver: Receiver, client: expe.Expe
) -> Iterator[dict[str, Any]]:
    """An endpoint made with `expe webhooks endpoints create`, deleted afterwards."""
    created = run(
        "webhooks", "endpoints", "create", "--url", receiver.server.url + "/hooks",
        "--events", "payment.*,refund.issued", "--json", env=env,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    made = json.loads(created.stdout)
    yield made
    client.webhooks.endpoints.delete(made["id"])


def test_an_endpoint_with_the_handshake_waits_until_its_receiver_echoes(
    env: dict[str, str], receiver: Receiver, client: expe.Expe
) -> None:
    url = receiver.server.url + "/hooks"
    created = run("webhooks", "endpoints", "create", "--url", url, "--verify", env=env)
    endpoint_id = dict(line.split(None, 1) for line in created.stdout.splitlines())["id"]
    try:
        assert created.returncode == 1
        assert f"Endpoint {endpoint_id} is pending verification" in created.stderr
        assert f"expe webhooks endpoints verify {endpoint_id}" in created.stderr
        assert client.webhooks.endpoints.retrieve(endpoint_id).status == "pending_verification"

        receiver.echoing.set()
        verified = run("webhooks", "endpoints", "verify", endpoint_id, env=env)
        assert verified.returncode == 0, verified.stderr
        assert "verified and enabled" in verified.stdout
        assert client.webhooks.endpoints.retrieve(endpoint_id).enabled

        listed = run("webhooks", "endpoints", "list", env=env)
        row = next(line.split() for line in listed.stdout.splitlines() if endpoint_id in line)
        assert row[1:3] == ["enabled", url]

        off = run("webhooks", "endpoints", "update", endpoint_id, "--no-verify", "--json", env=env)
        assert json.loads(off.stdout)["verification"] == "none"
        refused = run("webhooks", "endpoints", "verify", endpoint_id, env=env)
        assert refused.returncode == 1 and "code=verification_off" in refused.stderr
    finally:
        client.webhooks.endpoints.delete(endpoint_id)


def test_a_test_event_is_sent_and_its_outcome_shown(
    env: dict[str, str], receiver: Receiver, endpoint: dict[str, Any]
) -> None:
    sent = run("webhooks", "test", endpoint["id"], "--event", "refund.issued", env=env)
    assert sent.returncode == 0, sent.stderr
    queued, outcome = sent.stdout.splitlines()
    message_id = queued.split("as message ")[1].rstrip(".")
    url = re.escape(receiver.server.url + "/hooks")
    assert re.fullmatch(rf"Attempt wa_\w+ to {url} answered 204 in \d+ ms\.", outcome), outcome
    delivery = receiver.server.wait_for(lambda r: r.headers.get("webhook-id") == message_id)
    event = expe.webhooks.verify(delivery.body, delivery.headers, endpoint["secret"])
    assert event.type == "refund.issued" and event.data["test"] is True

    pinged = run("webhooks", "ping", endpoint["id"], env=env)
    assert pinged.returncode == 0 and pinged.stdout.startswith(f"{endpoint['id']} answered 204")


def test_attempts_are_listed_inspected_and_retried(
    env: dict[str, str], receiver: Receiver, endpoint: dict[str, Any], client: expe.Expe
) -> None:
    message = client.webhooks.endpoints.send_test(endpoint["id"], event_type="payment.completed")
    receiver.server.wait_for(lambda r: r.headers.get("webhook-id") == message.id)

    listed = run(
        "webhooks", "attempts", "list", "--endpoint", endpoint["id"], "--message", message.id,
        env=env,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    header, first = listed.stdout.splitlines()[:2]
    assert header.split()[:6] == ["ID", "STARTED", "EVENT", "TRIGGER", "STATUS", "ANSWER"]
    attempt_id = first.split()[0]
    assert first.split()[2:6] == ["payment.completed", "test", "succeeded", "204"]

    shown = run("webhooks", "attempts", "get", attempt_id, env=env)
    assert shown.returncode == 0, shown.stderr
    request = shown.stdout.split("Request: ")[1].split("Response: ")[0]
    assert request.startswith(f"POST {receiver.server.url}/hooks")
    assert f"webhook-id: {message.id}" in request and "webhook-signature: v1," in request
    assert json.loads(request.split("\n\n", 1)[1])["type"] == "payment.completed"
    assert shown.stdout.split("Response: ")[1].startswith("204")

    retried = run("webhooks", "attempts", "retry", attempt_id, env=env)
    assert retried.returncode == 0, retried.stderr
    assert retried.stdout.startswith(f"Sent message {message.id} again as attempt wa_")
    assert len([r for r in receiver.server.received if r.headers["webhook-id"] == message.id]) == 2


def test_check_signature_says_whether_a_delivery_holds_and_why_not(
    env: dict[str, str],
    receiver: Receiver,
    endpoint: dict[str, Any],
    client: expe.Expe,
    tmp_path: Path,
) -> None:
    ping = client.webhooks.endpoints.ping(endpoint["id"])
    delivery = receiver.server.wait_for(lambda r: event_of(r) == "webhook.ping")
    body = tmp_path / "body.json"
    body.write_bytes(delivery.body)
    headers = [
        arg
        for name in ("webhook-id", "webhook-timestamp", "webhook-signature")
        for arg in ("--header", f"{name}: {delivery.headers[name]}")
    ]
    check = ["webhooks", "check-signature", "--body-file", str(body), *headers]

    valid = run(*check, "--secret", endpoint["secret"], env=env)
    assert valid.returncode == 0, valid.stderr
    assert valid.stdout.startswith("Valid: webhook.ping evt_")
    assert f"message {delivery.headers['webhook-id']}" in valid.stdout

    wrong = run(*check, "--secret", expe.webhooks.generate_secret(), env=env)
    assert wrong.returncode == 1 and "No signature matches" in wrong.stdout
    body.write_bytes(delivery.body.replace(b"webhook.ping", b"webhook.pong"))
    tampered = run(*check, "--secret", endpoint["secret"], env=env)
    assert tampered.returncode == 1 and "No signature matches" in tampered.stdout

    # The same body signed 10 minutes ago: a replay, refused unless the tolerance allows it.
    body.write_bytes(delivery.body)
    old = expe.webhooks.signed_headers(
        delivery.body, endpoint["secret"], delivery.headers["webhook-id"], int(time.time()) - 600
    )
    replayed = ["webhooks", "check-signature", "--body-file", str(body), "--json"]
    replayed += [arg for name, value in old.items() for arg in ("--header", f"{name}: {value}")]
    stale = run(*replayed, "--secret", endpoint["secret"], env=env)
    assert stale.returncode == 1 and "from now" in json.loads(stale.stdout)["reason"]
    allowed = run(*replayed, "--secret", endpoint["secret"], "--tolerance", "900", env=env)
    assert allowed.returncode == 0 and json.loads(allowed.stdout)["valid"] is True

    recorded = run(
        "webhooks", "check-signature", "--from-attempt", ping.attempt_id,
        "--secret", endpoint["secret"], "--json", env=env,
    )  # fmt: skip
    assert recorded.returncode == 0, recorded.stderr
    assert json.loads(recorded.stdout)["type"] == "webhook.ping"
