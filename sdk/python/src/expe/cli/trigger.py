"""`expe trigger EVENT`: makes an event happen for real in test mode, as a customer would."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from expe import CardError, Expe
from expe.models import ExpeModel, Payment
from expe.params import CardParams

# The sandbox's cards (README, "Payments"): one that pays, one that is declined.
PAYING_CARD = CardParams(number="4242424242424242", exp_month=12, exp_year=2040, cvc="123")
DECLINED_CARD = CardParams(number="4000000000000002", exp_month=12, exp_year=2040, cvc="123")


def _payment(client: Expe, amount: int, currency: str, say: Callable[[str], None]) -> Payment:
    order_id = "expe-cli-" + secrets.token_hex(4)
    payment = client.payments.create(
        amount=amount,
        currency=currency,
        order_id=order_id,
        description="Made by expe trigger",
    )
    say(f"Created payment {payment.id} ({amount} {currency}, order {order_id})")
    return payment


def _pay(client: Expe, payment: Payment, card: CardParams, say: Callable[[str], None]) -> Payment:
    try:
        client.checkout.confirm(
            payment.id, method="card", card=card, client_secret=payment.client_secret
        )
    except CardError as declined:
        say(f"Paid with card {card['number']}: declined ({declined.code})")
    else:
        say(f"Paid with card {card['number']} on the checkout")
    return client.payments.retrieve(payment.id)


def payment_created(
    client: Expe, amount: int, currency: str, say: Callable[[str], None]
) -> Payment:
    return _payment(client, amount, currency, say)


def payment_completed(
    client: Expe, amount: int, currency: str, say: Callable[[str], None]
) -> Payment:
    return _pay(client, _payment(client, amount, currency, say), PAYING_CARD, say)


def payment_failed(client: Expe, amount: int, currency: str, say: Callable[[str], None]) -> Payment:
    return _pay(client, _payment(client, amount, currency, say), DECLINED_CARD, say)


def payment_canceled(
    client: Expe, amount: int, currency: str, say: Callable[[str], None]
) -> Payment:
    payment = _payment(client, amount, currency, say)
    canceled = client.payments.cancel(payment.id, reason="expe trigger")
    say(f"Canceled payment {payment.id}")
    return canceled


def refund_issued(
    client: Expe, amount: int, currency: str, say: Callable[[str], None]
) -> ExpeModel:
    payment = payment_completed(client, amount, currency, say)
    refund = client.payments.refund(payment.id, reason="expe trigger")
    say(f"Refunded {refund.amount} {refund.currency} of {payment.id} as {refund.id}")
    return refund


TRIGGERS: dict[str, Callable[[Expe, int, str, Callable[[str], None]], ExpeModel]] = {
    "payment.created": payment_created,
    "payment.completed": payment_completed,
    "payment.failed": payment_failed,
    "payment.canceled": payment_canceled,
    "refund.issued": refund_issued,
}
