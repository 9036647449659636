"""The suite runs against a real Expe stack, named by the environment:

EXPE_API_URL, EXPE_SECRET_KEY, EXPE_PUBLISHABLE_KEY, EXPE_MERCHANT_ID (a sandbox merchant's
test keys, e.g. from `python -m devstack account run` on `make run`'s stack), and optionally
EXPE_RECIPIENT_EMAIL: a verified user's email, to receive a wallet transfer.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import expe
from expe.models import CheckoutPayment, Payment, WebhookEndpointWithSecret
from expe.params import CardParams
from tests.cli import cli_env, run
from tests.servers import Answer, LocalServer, Received

PAYING_CARD = CardParams(number="4242424242424242", exp_month=12, exp_year=2040, cvc="123")
DECLINED_CARD = CardParams(number="4000000000000002", exp_month=12, exp_year=2040, cvc="123")


@dataclass(frozen=True)
class Stack:
    api_url: str
    secret_key: str
    publishable_key: str
    merchant_id: str
    recipient_email: str | None


@pytest.fixture(scope="session")
def stack() -> Stack:
    missing = [
        name
        for name in ("EXPE_API_URL", "EXPE_SECRET_KEY", "EXPE_PUBLISHABLE_KEY", "EXPE_MERCHANT_ID")
        if not os.environ.get(name)
    ]
    if missing:
        pytest.fail(f"set {', '.join(missing)} (see tests/conftest.py)")
    return Stack(
        os.environ["EXPE_API_URL"],
        os.environ["EXPE_SECRET_KEY"],
        os.environ["EXPE_PUBLISHABLE_KEY"],
        os.environ["EXPE_MERCHANT_ID"],
        os.environ.get("EXPE_RECIPIENT_EMAIL") or None,
    )


@pytest.fixture(scope="session")
def client(stack: Stack) -> Iterator[expe.Expe]:
    with expe.Expe(stack.secret_key, base_url=stack.api_url) as sync_client:
        yield sync_client


@pytest.fixture
async def async_client(stack: Stack) -> AsyncIterator[expe.AsyncExpe]:
    async with expe.AsyncExpe(stack.secret_key, base_url=stack.api_url) as client:
        yield client


def order_id() -> str:
    return "order-" + secrets.token_hex(6)


def new_payment(client: expe.Expe, amount: int = 1000) -> Payment:
    return client.payments.create(amount=amount, currency="INR", order_id=order_id())


def pay(client: expe.Expe, payment: Payment, card: CardParams = PAYING_CARD) -> CheckoutPayment:
    """Pays as the customer's browser does on the checkout: with the client secret."""
    return client.checkout.confirm(
        payment.id, method="card", card=card, client_secret=payment.client_secret
    )


@pytest.fixture
def receiver() -> Iterator[LocalServer]:
    """A webhook receiver on this machine that answers 204 to everything."""
    with LocalServer(lambda _: Answer(204)) as server:
        yield server


RegisterEndpoint = Callable[..., WebhookEndpointWithSecret]


@pytest.fixture
def endpoint_to(client: expe.Expe) -> Iterator[RegisterEndpoint]:
    """`endpoint_to(url)` registers a webhook endpoint; every one is deleted afterwards."""
    made: list[str] = []

    def register(url: str, events: list[str] | None = None) -> WebhookEndpointWithSecret:
        endpoint = client.webhooks.endpoints.create(url=url, enabled_events=events)
        made.append(endpoint.id)
        return endpoint

    yield register
    for endpoint_id in made:
        try:
            client.webhooks.endpoints.delete(endpoint_id)
        except expe.NotFoundError:
            pass


def event_of(request: Received) -> str:
    """The event type in a delivery's body, for matching."""
    return str(json.loads(request.body).get("type"))


@pytest.fixture
def env(tmp_path: Path, stack: Stack) -> dict[str, str]:
    """A CLI user's environment with a config folder of its own, logged in with the test key."""
    home = cli_env(tmp_path / "config", {"EXPE_API_URL": stack.api_url})
    logged_in = run("login", "--api-key", stack.secret_key, env=home)
    assert logged_in.returncode == 0, logged_in.stderr
    return home
