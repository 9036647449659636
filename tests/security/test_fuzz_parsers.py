"""Coverage-guided fuzzing (atheris, libFuzzer) of the parsers that read what anyone may send:
the webhook signature verifiers (the webhooks service's, behind `POST /api/v1/webhooks/verify`,
and the Python SDK's, which a merchant's server runs on every delivery) and the money parser.

The properties: a verifier answers every input with its verdict (the service's) or its own
`SignatureVerificationError` (the SDK's), never another exception, and accepts a message exactly
when it carries the signature of its id, timestamp and body; the money parser refuses with a
`ValueError` or parses an amount that is the decimal written, and every amount round-trips
through its text.

libFuzzer ends its process when the runs are done, so each target runs in a process of its own,
this file run as a module, for a fixed number of runs from a fixed seed: the same inputs every
time, a few seconds each. For a longer hunt, run a target by hand, from the repository:

    .venv/bin/python -m tests.security.test_fuzz_parsers money -runs=2000000
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import inspect
import json
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import atheris
import pytest
from expe.errors import SignatureVerificationError
from expe.webhooks import verify as sdk_verify
from pydantic import ValidationError

from devstack.profile import REPO
from services.webhooks.signing import verify as service_verify
from shared.money import CURRENCY_EXPONENTS, MAX_MINOR_UNITS, Money, from_major, to_major
from tests.security.conftest import FIGURES

RUNS = 20_000
SEED = 13
TOLERANCE = 300
NOW = 1_796_000_000
# What decimal numbers are written with, so that most texts drawn from it parse or nearly do.
NUMERIC = list("01234567890123456789.-+eE_ sNaInfity")
NAMES = ("webhook-id", "webhook-timestamp", "webhook-signature")


def _hmac(key: bytes, message_id: str, timestamp: int, body: bytes) -> str:
    """The scheme's signature, computed here rather than by the code under test."""
    signed = message_id.encode() + b"." + str(timestamp).encode() + b"." + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def _well_formed(entry: str) -> bool:
    return entry.isascii() and entry.startswith("v1,") and len(entry) > 3


class Delivery:
    """A message drawn from the fuzzer's bytes: a secret, an id, a timestamp near `now` or any
    text, a body, and a signature header that is genuine, genuine among others, or any text."""

    def __init__(self, data: Any, now: int, margin: int) -> None:
        self.key = data.ConsumeBytes(data.ConsumeIntInRange(1, 40))
        self.secret = (
            "whsec_" + base64.b64encode(self.key).decode()
            if data.ConsumeIntInRange(0, 7)
            else data.ConsumeUnicode(40)
        )
        self.message_id = (
            "msg_" + data.ConsumeBytes(12).hex() if data.ConsumeBool() else data.ConsumeUnicode(30)
        )
        offset = data.ConsumeIntInRange(-2 * TOLERANCE, 2 * TOLERANCE)
        if abs(abs(offset) - TOLERANCE) < margin:
            offset = 0
        # Mostly near now; else any text, or any integer (up to 160 bytes: beyond any float).
        self.timestamp = str(now + offset)
        if not data.ConsumeIntInRange(0, 3):
            self.timestamp = (
                data.ConsumeUnicode(30)
                if data.ConsumeBool()
                else str(data.ConsumeInt(data.ConsumeIntInRange(1, 160)))
            )
        self.body = data.ConsumeBytes(data.ConsumeIntInRange(0, 300))
        self.genuine = self.signed()
        # Any text after `v1,`, without the spaces that would split it into entries.
        other = "v1," + "".join(data.ConsumeUnicode(44).split())
        form = data.ConsumeIntInRange(0, 4)
        if form == 0 and self.genuine:
            self.signature = self.genuine
        elif form == 1 and self.genuine:
            self.signature = f"{other} {self.genuine}"
        elif form == 2:
            self.signature = other
        else:
            self.signature = data.ConsumeUnicode(100)
        self.headers: dict[str, str] = {}
        for _ in range(data.ConsumeIntInRange(0, 2)):
            self.headers[data.ConsumeUnicode(15)] = data.ConsumeUnicode(20)
        for name, value in zip(
            NAMES, (self.message_id, self.timestamp, self.signature), strict=True
        ):
            if data.ConsumeIntInRange(0, 15):
                self.headers[name.upper() if data.ConsumeBool() else name] = value

    def signed(self) -> str | None:
        """The genuine signature, when the id and timestamp are ones a sender could sign."""
        if not (
            self.timestamp.isascii() and self.timestamp.isdigit() and self.message_id.isascii()
        ):
            return None
        return _hmac(self.key, self.message_id, int(self.timestamp), self.body)

    def acceptable(self, now: float, *, strict: bool) -> bool:
        """Whether a verifier must accept it: every header there, the secret the key's, the
        timestamp within tolerance, and the signature of exactly this message among those sent.
        A `strict` verifier also refuses a header with any entry that is not `v1,<base64>`."""
        lowered = {name.lower(): value for name, value in self.headers.items()}
        if not all(lowered.get(name) for name in NAMES) or self.genuine is None:
            return False
        sent = (lowered["webhook-id"], lowered["webhook-timestamp"], lowered["webhook-signature"])
        return (
            sent == (self.message_id, self.timestamp, self.signature)
            and self.secret == "whsec_" + base64.b64encode(self.key).decode()
            and abs(now - int(self.timestamp)) <= TOLERANCE
            and self.genuine in self.signature.split()
            and not (strict and not all(map(_well_formed, self.signature.split())))
        )


def fuzz_service_verifier(data: bytes) -> None:
    delivery = Delivery(atheris.FuzzedDataProvider(data), NOW, margin=0)
    verdict = service_verify(
        delivery.secret,
        delivery.body,
        delivery.headers,
        tolerance_seconds=TOLERANCE,
        now=NOW,
    )
    assert verdict.valid == delivery.acceptable(NOW, strict=True), (verdict, vars(delivery))


def fuzz_sdk_verifier(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    # The SDK reads the clock itself: no timestamp within 2 s of the limit, where the verdict
    # would depend on the instant it is asked.
    delivery = Delivery(provider, int(time.time()), margin=2)
    if provider.ConsumeBool():
        # A body that is an event, so that an accepted message is one the SDK can return.
        event = {"id": delivery.message_id, "type": "payment.completed", "mode": "test"}
        event |= {"timestamp": "2026-12-01T10:00:00.000Z", "data": {}}
        delivery.body = json.dumps(event).encode()
        delivery.genuine = delivery.signed()
        if delivery.genuine and provider.ConsumeBool():
            delivery.headers["webhook-signature"] = delivery.signature = delivery.genuine
    payload: bytes | str = delivery.body
    if provider.ConsumeBool():
        payload = delivery.body.decode("utf-8", "surrogateescape")
    try:
        event = sdk_verify(payload, delivery.headers, delivery.secret, tolerance=TOLERANCE)
    except SignatureVerificationError:
        # A message whose body is no event is refused even when its signature is genuine.
        assert not delivery.acceptable(time.time(), strict=False) or not _is_event(delivery.body), (
            vars(delivery)
        )
        return
    assert delivery.acceptable(time.time(), strict=False), vars(delivery)
    assert event.id == json.loads(delivery.body)["id"]


def _is_event(body: bytes) -> bool:
    try:
        value = json.loads(body)
    except ValueError:
        return False
    return isinstance(value, dict) and {"id", "type", "mode", "timestamp", "data"} <= value.keys()


def fuzz_money(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    codes = sorted(CURRENCY_EXPONENTS)
    currency = (
        provider.PickValueInList(codes)
        if provider.ConsumeIntInRange(0, 7)
        else (provider.ConsumeUnicode(5))
    )
    text = (
        "".join(provider.PickValueInList(NUMERIC) for _ in range(provider.ConsumeIntInRange(0, 30)))
        if provider.ConsumeBool()
        else provider.ConsumeUnicode(40)
    )
    try:
        minor = from_major(text, currency)
    except ValueError:
        pass
    else:
        assert to_major(minor, currency) == Decimal(text), (text, currency, minor)
    amount = provider.ConsumeIntInRange(0, MAX_MINOR_UNITS)
    if currency in CURRENCY_EXPONENTS:
        assert from_major(str(to_major(amount, currency)), currency) == amount
    try:
        money = Money.model_validate({"amount": amount, "currency": currency})
    except ValidationError:
        assert currency.strip().upper() not in CURRENCY_EXPONENTS
    else:
        assert money.amount == amount and money.currency in CURRENCY_EXPONENTS


TARGETS = {
    "service_verifier": fuzz_service_verifier,
    "sdk_verifier": fuzz_sdk_verifier,
    "money": fuzz_money,
}


def fuzz(tmp_path: Path, target: str) -> str:
    """Runs a target for RUNS inputs from SEED; libFuzzer's output, which ends with its counts."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.security.test_fuzz_parsers",
            target,
            f"-runs={RUNS}",
            f"-seed={SEED}",
            "-max_len=1024",
            "-print_final_stats=1",
            f"-artifact_prefix={tmp_path}/",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-6000:]
    return output


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_the_parser_holds_on_every_input(tmp_path: Path, target: str) -> None:
    output = fuzz(tmp_path, target)
    runs = next(
        line for line in output.splitlines() if line.startswith("stat::number_of_executed_units")
    )
    assert int(runs.split(":")[-1]) == RUNS
    FIGURES.append(f"atheris, {target}: {RUNS} inputs, no failure")


if __name__ == "__main__":
    # Coverage of the parsers' own functions guides the fuzzer (all of pydantic's would take
    # minutes to instrument).
    for module in map(inspect.getmodule, (sdk_verify, service_verify, from_major)):
        for value in vars(module).values():
            if inspect.isfunction(value) and value.__module__ == module.__name__:
                atheris.instrument_func(value)
    chosen = TARGETS[sys.argv[1]]
    atheris.Setup([sys.argv[0], *sys.argv[2:]], chosen)
    atheris.Fuzz()
