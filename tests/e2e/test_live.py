"""Live updates over the gateway's WebSocket: every replica's sockets hear every event, a socket
that dropped resumes where it left off, a checkout's socket hears its own payment only, and
webhook attempts are heard with their outcome."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from devstack.accounts import Session, bearer, create_key, sign_up
from devstack.profile import SERVICES, Profile
from devstack.serving import serve_in_thread
from devstack.stack import Stack
from gateway.app import create_app
from gateway.settings import GatewaySettings, ServiceUrls
from tests.e2e.conftest import Account, register
from tests.receivers import Receiver, receiving

pytestmark = pytest.mark.e2e

CARD = {"number": "4242424242424242", "expMonth": 12, "expYear": 2040, "cvc": "123"}


@pytest.fixture(scope="module")
def second_gateway(stack: Stack, profile: Profile) -> Iterator[str]:
    """Another gateway replica on the same Redis; it relays nothing itself, so what its sockets
    hear was relayed by the stack's gateway."""
    settings = GatewaySettings(
        services=ServiceUrls(**{name: profile.process_url(name) for name in SERVICES}),
        redis={"url": profile.redis_url},
        kafka={"bootstrap_servers": profile.kafka_bootstrap},
        live_relay=False,
    )
    with serve_in_thread(create_app(settings)) as url:
        yield url


def socket_url(http_url: str) -> str:
    return http_url.replace("http://", "ws://") + "/api/v1/live"


@pytest.fixture
async def member_hello(owner: Session, account: Account) -> dict[str, Any]:
    return {
        "type": "auth",
        "accessToken": owner.access_token,
        "merchantId": account.merchant_id,
        "mode": "test",
    }


async def opened(url: str, hello: dict[str, Any]) -> ClientConnection:
    socket = await connect(url)
    await socket.send(json.dumps(hello))
    answer = json.loads(await asyncio.wait_for(socket.recv(), 10))
    assert answer == {"type": "ready"}, answer
    return socket


async def next_event(socket: ClientConnection, timeout: float = 15) -> dict[str, Any]:
    while True:
        message = json.loads(await asyncio.wait_for(socket.recv(), timeout))
        if message["type"] == "event":
            return dict(message)


async def events_until(
    socket: ClientConnection, wanted: set[tuple[str, str]]
) -> list[dict[str, Any]]:
    """Events read until every (event type, payment id) wanted has come."""
    seen: list[dict[str, Any]] = []
    while not wanted <= {(e["event"], e["data"].get("paymentId")) for e in seen}:
        seen.append(await next_event(socket))
    return seen


def create_payment(gateway: httpx.Client, account: Account) -> dict[str, Any]:
    created = gateway.post(
        "/api/v1/payments",
        json={"amount": 2_500, "currency": "INR", "orderId": f"ord_{secrets.token_hex(4)}"},
        headers={**bearer(account.secret_key), "Idempotency-Key": secrets.token_hex(8)},
    )
    assert created.status_code == 201, created.text
    return dict(created.json())


def pay(gateway: httpx.Client, payment: dict[str, Any]) -> None:
    paid = gateway.post(
        f"/api/v1/checkout/payments/{payment['id']}/confirm",
        json={"method": "card", "card": CARD},
        headers={"Expe-Client-Secret": payment["clientSecret"]},
    )
    assert paid.status_code == 200, paid.text


async def test_every_replicas_sockets_hear_an_event_and_a_dropped_one_resumes(
    gateway: httpx.Client, account: Account, member_hello: dict[str, Any], second_gateway: str
) -> None:
    here = await opened(socket_url(str(gateway.base_url).rstrip("/")), member_hello)
    there = await opened(socket_url(second_gateway), member_hello)
    first = await asyncio.to_thread(create_payment, gateway, account)

    heard_here = await events_until(here, {("payment.created", first["id"])})
    heard_there = await events_until(there, {("payment.created", first["id"])})
    assert heard_here[-1]["data"]["amount"] == 2_500
    assert heard_here[-1]["id"] == heard_there[-1]["id"]
    await here.close()

    # While the socket is away: the first is paid, a second payment made.
    await asyncio.to_thread(pay, gateway, first)
    second = await asyncio.to_thread(create_payment, gateway, account)
    await events_until(
        there, {("payment.completed", first["id"]), ("payment.created", second["id"])}
    )

    back = await opened(
        socket_url(str(gateway.base_url).rstrip("/")),
        {**member_hello, "lastEventId": heard_here[-1]["id"]},
    )
    missed = await events_until(
        back, {("payment.completed", first["id"]), ("payment.created", second["id"])}
    )
    kinds = [(e["event"], e["data"]["paymentId"]) for e in missed]
    assert ("payment.created", first["id"]) not in kinds  # nothing heard before comes again
    assert kinds.index(("payment.completed", first["id"])) < kinds.index(
        ("payment.created", second["id"])
    )
    assert len({e["eventId"] for e in missed}) == len(missed)
    await back.close()
    await there.close()


async def test_a_checkout_socket_hears_its_own_payment_only(
    gateway: httpx.Client, account: Account
) -> None:
    mine = await asyncio.to_thread(create_payment, gateway, account)
    other = await asyncio.to_thread(create_payment, gateway, account)
    hello = {"type": "auth", "clientSecret": mine["clientSecret"], "paymentId": mine["id"]}
    socket = await opened(socket_url(str(gateway.base_url).rstrip("/")), hello)

    await asyncio.to_thread(pay, gateway, other)
    await asyncio.to_thread(pay, gateway, mine)
    # Its own creation may still be on its way when the socket opens; the other payment's
    # events, paid first, would come before its own completion.
    heard = await events_until(socket, {("payment.completed", mine["id"])})

    assert {event["data"]["paymentId"] for event in heard} == {mine["id"]}
    assert heard[-1]["data"]["status"] == "succeeded"
    await socket.close()


@pytest.mark.parametrize(
    ("hello", "code", "error"),
    [
        ("not json", 4400, "invalid_hello"),
        ({"type": "subscribe"}, 4400, "invalid_hello"),
        (
            {
                "type": "auth",
                "accessToken": "eyJ.not.a-token",
                "merchantId": "mer_x",
                "mode": "test",
            },
            4401,
            "invalid_access_token",
        ),
        (
            {"type": "auth", "clientSecret": "pay_x_secret_guess", "paymentId": "pay_x"},
            4401,
            "resource_missing",
        ),
        ({"type": "auth", "apiKey": "sk_test_" + "x" * 32}, 4401, "api_key_invalid"),
    ],
)
async def test_a_socket_without_good_credentials_is_told_why_and_closed(
    gateway: httpx.Client, hello: Any, code: int, error: str
) -> None:
    async with connect(socket_url(str(gateway.base_url).rstrip("/"))) as socket:
        await socket.send(hello if isinstance(hello, str) else json.dumps(hello))
        answer = json.loads(await asyncio.wait_for(socket.recv(), 10))
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), 10)
    assert (answer["type"], answer["code"]) == ("error", error)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == code


async def test_a_secret_key_socket_hears_its_merchant_and_a_publishable_key_is_refused(
    gateway: httpx.Client, account: Account
) -> None:
    url = socket_url(str(gateway.base_url).rstrip("/"))
    socket = await opened(url, {"type": "auth", "apiKey": account.secret_key})
    payment = await asyncio.to_thread(create_payment, gateway, account)
    await asyncio.to_thread(pay, gateway, payment)
    heard = await events_until(socket, {("payment.completed", payment["id"])})
    await socket.close()
    assert ("payment.created", payment["id"]) in {
        (e["event"], e["data"]["paymentId"]) for e in heard
    }

    publishable = await asyncio.to_thread(create_key, gateway, account.merchant, type="publishable")
    async with connect(url) as refused:
        await refused.send(json.dumps({"type": "auth", "apiKey": publishable["secret"]}))
        answer = json.loads(await asyncio.wait_for(refused.recv(), 10))
    assert (answer["type"], answer["code"]) == ("error", "permission_denied")


async def test_a_stranger_cannot_listen_to_a_merchant(
    gateway: httpx.Client, mailpit_url: str, account: Account
) -> None:
    stranger = await asyncio.to_thread(sign_up, gateway, mailpit_url)
    hello = {
        "type": "auth",
        "accessToken": stranger.access_token,
        "merchantId": account.merchant_id,
        "mode": "test",
    }
    async with connect(socket_url(str(gateway.base_url).rstrip("/"))) as socket:
        await socket.send(json.dumps(hello))
        answer = json.loads(await asyncio.wait_for(socket.recv(), 10))
    assert (answer["type"], answer["code"]) == ("error", "permission_denied")


async def test_each_webhook_attempt_is_heard_with_its_outcome(
    gateway: httpx.Client, account: Account, member_hello: dict[str, Any]
) -> None:
    socket = await opened(socket_url(str(gateway.base_url).rstrip("/")), member_hello)
    with receiving(Receiver(500, default=200)) as receiver:
        endpoint = await asyncio.to_thread(
            register, gateway, account, receiver.url, ["payment.completed"]
        )
        payment = await asyncio.to_thread(create_payment, gateway, account)
        await asyncio.to_thread(pay, gateway, payment)
        attempts: list[dict[str, Any]] = []
        while [a["status"] for a in attempts][-1:] != ["succeeded"]:
            heard = await next_event(socket)
            if heard["event"] == "webhook.attempt":
                attempts.append(heard["data"])
    await socket.close()
    assert [(a["status"], a["responseStatus"]) for a in attempts] == [
        ("failed", 500),
        ("succeeded", 200),
    ]
    assert {(a["endpointId"], a["paymentId"], a["eventType"]) for a in attempts} == {
        (endpoint["id"], payment["id"], "payment.completed")
    }
