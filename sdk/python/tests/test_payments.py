"""Payments with the sync client: create, read, pages, pay on the checkout, refund, cancel."""

from __future__ import annotations

import expe
from tests.conftest import Stack, new_payment, order_id, pay


def test_a_payment_is_created_and_read_back(client: expe.Expe) -> None:
    made = client.payments.create(
        amount=49900,
        currency="inr",
        order_id=(order := order_id()),
        description="Two cups",
        customer={"email": "buyer@example.com"},
        metadata={"cart_id": "c_42"},
    )
    assert made.status == "created" and made.amount == 49900 and made.currency == "INR"
    assert made.order_id == order and made.metadata == {"cart_id": "c_42"}
    assert (
        made.client_secret and made.checkout_url and made.checkout_url.endswith(made.client_secret)
    )
    assert made.raw["orderId"] == order
    assert made.last_response is not None and made.last_response.status_code == 201
    assert made.last_response.request_id and made.last_response.request_id.startswith("req_")

    read = client.payments.retrieve(made.id)
    assert (read.id, read.amount, read.customer) == (made.id, 49900, {"email": "buyer@example.com"})


def test_a_list_walks_every_page_lazily(client: expe.Expe) -> None:
    made = {new_payment(client).id for _ in range(5)}
    first = client.payments.list(limit=2)
    assert len(first.data) == 2 and first.has_more and first.total >= 5
    seen = [payment.id for payment in first]
    assert made <= set(seen)
    assert len(seen) == len(set(seen)) == first.total
    second = first.next_page()
    assert second is not None and second.page == 2
    assert {p.id for p in second.data}.isdisjoint({p.id for p in first.data})


def test_a_list_filters_by_status_and_order(client: expe.Expe) -> None:
    payment = new_payment(client)
    found = client.payments.list(q=payment.order_id)
    assert [p.id for p in found] == [payment.id]
    assert all(p.status == "created" for p in client.payments.list(status="created", limit=5).data)


def test_a_payment_is_paid_on_the_checkout_and_refunded(client: expe.Expe) -> None:
    payment = new_payment(client, amount=5000)
    paid = pay(client, payment)
    assert paid.status == "succeeded" and paid.id == payment.id

    part = client.payments.refund(payment.id, amount=1500, reason="one item returned")
    assert (part.amount, part.amount_refunded, part.status) == (1500, 1500, "succeeded")
    rest = client.payments.refund(payment.id)
    assert (rest.amount, rest.amount_refunded) == (3500, 5000)

    refunds = client.payments.list_refunds(payment.id)
    assert [r.id for r in refunds] == [part.id, rest.id]
    assert client.payments.retrieve(payment.id).amount_refunded == 5000
    history = client.payments.history(payment.id)
    steps = [(step.from_, step.to) for step in history.data]
    assert steps[0] == (None, "created") and steps[-1][1] == "succeeded"


def test_a_payment_is_canceled(client: expe.Expe) -> None:
    payment = new_payment(client)
    canceled = client.payments.cancel(payment.id, reason="customer left")
    assert canceled.status == "canceled"


def test_the_export_is_a_csv_of_the_payments(client: expe.Expe) -> None:
    payment = new_payment(client)
    exported = client.payments.export(q=payment.order_id)
    assert exported.filename == "payments.csv" and exported.content_type.startswith("text/csv")
    header, row = exported.text().splitlines()[:2]
    assert header.startswith("id,") and row.startswith(payment.id)


def test_transactions_list_the_merchants_payments(client: expe.Expe, stack: Stack) -> None:
    payment = new_payment(client)
    page = client.transactions.list(stack.merchant_id, limit=5)
    assert payment.id in [p.id for p in page.data]


def test_the_checkout_opens_a_payment_with_a_publishable_key(
    client: expe.Expe, stack: Stack
) -> None:
    payment = new_payment(client)
    with expe.Expe(stack.publishable_key, base_url=stack.api_url) as browser:
        assert browser.is_test_mode
        shown = browser.checkout.retrieve(payment.id, client_secret=payment.client_secret)
        assert shown.merchant is not None and shown.merchant.id == stack.merchant_id
        assert (shown.amount, shown.order_id, shown.status) == (1000, payment.order_id, "created")
        paid = browser.checkout.confirm(
            payment.id,
            method="card",
            card={"number": "4242 4242 4242 4242", "exp_month": 1, "exp_year": 2041, "cvc": "999"},
            client_secret=payment.client_secret,
        )
        assert paid.status == "succeeded"


def test_a_upi_payment_completes_in_the_sandbox(client: expe.Expe) -> None:
    payment = new_payment(client)
    started = client.checkout.confirm(
        payment.id, method="upi_qr", client_secret=payment.client_secret
    )
    assert started.status == "processing"
    done = client.checkout.complete_upi(
        payment.id, outcome="success", client_secret=payment.client_secret
    )
    assert done.status == "succeeded"


def test_test_mode_is_told_by_the_key(stack: Stack) -> None:
    assert expe.Expe(stack.secret_key).is_test_mode
    assert not expe.Expe("sk_live_" + "x" * 32).is_test_mode
