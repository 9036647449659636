"""The async client: the same resources as the sync one, awaited."""

from __future__ import annotations

import asyncio

import pytest

import expe
from tests.conftest import DECLINED_CARD, PAYING_CARD, RegisterEndpoint, Stack, order_id
from tests.servers import LocalServer


async def test_payments_are_created_paged_paid_and_refunded(
    async_client: expe.AsyncExpe,
) -> None:
    made = await asyncio.gather(
        *(
            async_client.payments.create(amount=2000, currency="INR", order_id=order_id())
            for _ in range(3)
        )
    )
    first = await async_client.payments.list(limit=2)
    assert isinstance(first, expe.AsyncPage) and first.has_more
    seen = [payment.id async for payment in first]
    assert {p.id for p in made} <= set(seen) and len(seen) == first.total

    payment = made[0]
    paid = await async_client.checkout.confirm(
        payment.id, method="card", card=PAYING_CARD, client_secret=payment.client_secret
    )
    assert paid.status == "succeeded"
    refund = await async_client.payments.refund(payment.id, amount=500)
    assert refund.amount_refunded == 500
    assert [r.id for r in await async_client.payments.list_refunds(payment.id)] == [refund.id]
    read = await async_client.payments.retrieve(payment.id)
    assert read.amount_refunded == 500 and read.last_response and read.last_response.request_id


async def test_errors_are_the_same_classes(async_client: expe.AsyncExpe, stack: Stack) -> None:
    with pytest.raises(expe.NotFoundError):
        await async_client.payments.retrieve("pay_doesnotexist")
    payment = await async_client.payments.create(amount=900, currency="INR", order_id=order_id())
    with pytest.raises(expe.CardError) as declined:
        await async_client.checkout.confirm(
            payment.id, method="card", card=DECLINED_CARD, client_secret=payment.client_secret
        )
    assert declined.value.code == "card_declined"
    async with expe.AsyncExpe("sk_test_" + "0" * 32, base_url=stack.api_url) as stranger:
        with pytest.raises(expe.AuthenticationError):
            await stranger.wallets.list()


async def test_wallets_and_top_ups(async_client: expe.AsyncExpe) -> None:
    wallet = await async_client.wallets.create(currency="INR")
    topup = await async_client.topups.create(
        wallet_id=wallet.id, amount=3000, source={"type": "bank", "account_holder": "Chai Point"}
    )
    assert topup.status == "succeeded"
    entries = await async_client.wallets.entries(wallet.id)
    assert entries.data[0].movement_id == topup.id
    assert (await async_client.topups.retrieve(topup.id)).amount == 3000


async def test_webhook_endpoints_and_a_verified_ping(
    async_client: expe.AsyncExpe, receiver: LocalServer, endpoint_to: RegisterEndpoint
) -> None:
    endpoint = endpoint_to(receiver.url + "/async")
    listed = await async_client.webhooks.endpoints.list()
    assert endpoint.id in [e.id async for e in listed]
    ping = await async_client.webhooks.endpoints.ping(endpoint.id)
    assert ping.ok
    delivery = receiver.wait_for(lambda r: r.path == "/async")
    assert expe.webhooks.verify(delivery.body, delivery.headers, endpoint.secret).type == (
        "webhook.ping"
    )
    summary = await async_client.analytics.summary()
    assert summary.mode == "test"
    overview = await async_client.analytics.overview(days=7, tz="Asia/Kolkata")
    assert overview.timezone == "Asia/Kolkata"
