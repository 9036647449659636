"""Every Python example of the README runs, in order, against the stack."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import expe
from tests.conftest import Stack

README = Path(__file__).parents[1] / "README.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def _examples(stack: Stack, webhook_secret: str) -> list[str]:
    """The README's Python blocks, with the placeholder keys replaced by real ones."""
    return [
        block.replace('"sk_test_…"', repr(stack.secret_key)).replace(
            '"whsec_…"', repr(webhook_secret)
        )
        for block in _BLOCK.findall(README.read_text())
    ]


@pytest.fixture
def expe_logger() -> Iterator[None]:
    yield
    logging.getLogger("expe").setLevel(logging.NOTSET)


def test_the_readme_examples_run(
    stack: Stack, capsys: pytest.CaptureFixture[str], expe_logger: None
) -> None:
    secret = expe.webhooks.generate_secret()
    examples = _examples(stack, secret)
    assert len(examples) >= 10
    scope: dict[str, Any] = {}
    try:
        for number, example in enumerate(examples, 1):
            exec(compile(example, f"README.md example {number}", "exec"), scope)
    finally:
        if isinstance(scope.get("client"), expe.Expe):
            scope["client"].close()
    printed = capsys.readouterr().out
    assert re.search(r"^pay_\w+ created http", printed, re.M)
    assert re.search(r"^succeeded re_\w+ 10000$", printed, re.M)
    assert re.search(r"^card_declined 402 req_\w+$", printed, re.M)

    handle = scope["handle_webhook"]
    body = (
        b'{"id":"evt_1","type":"payment.completed","timestamp":"2026-01-31T10:15:02Z",'
        b'"mode":"test","data":{"paymentId":"pay_1","amount":49900}}'
    )
    signed = expe.webhooks.signed_headers(body, secret, "msg_1")
    assert handle(body, signed) == 204
    assert "paid: pay_1 49900" in capsys.readouterr().out
    assert handle(body.replace(b"49900", b"1"), signed) == 400
