"""Checked by mypy (test_package.py), never run: what a type checker sees of each client."""

from __future__ import annotations

from typing_extensions import assert_type

import expe
from expe.models import Payment, Refund, Wallet, WebhookEndpointWithSecret


def sync_usage(client: expe.Expe) -> None:
    payment = client.payments.create(amount=1000, currency="INR", order_id="order-1")
    assert_type(payment, Payment)
    assert_type(payment.amount, int)
    assert_type(client.payments.list(limit=10), expe.SyncPage[Payment])
    for item in client.payments.list():
        assert_type(item, Payment)
    assert_type(client.payments.list_refunds(payment.id), expe.ItemList[Refund])
    assert_type(client.webhooks.endpoints.create(url="https://x"), WebhookEndpointWithSecret)
    assert_type(client.payments.export(), expe.ExportedFile)


async def async_usage(client: expe.AsyncExpe) -> None:
    payment = await client.payments.retrieve("pay_1")
    assert_type(payment, Payment)
    page = await client.payments.list()
    assert_type(page, expe.AsyncPage[Payment])
    async for item in page:
        assert_type(item, Payment)
    assert_type(await client.wallets.retrieve("wal_1"), Wallet)
