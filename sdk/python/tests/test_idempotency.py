"""Every POST carries an Idempotency-Key: automatic, or the caller's to replay a request."""

from __future__ import annotations

import pytest

import expe
from tests.conftest import order_id


def test_the_same_key_and_body_replay_the_first_answer(client: expe.Expe) -> None:
    order, key = order_id(), "checkout-" + order_id()
    first = client.payments.create(amount=700, currency="INR", order_id=order, idempotency_key=key)
    again = client.payments.create(amount=700, currency="INR", order_id=order, idempotency_key=key)
    assert again.id == first.id
    assert first.last_response and not first.last_response.idempotent_replayed
    assert again.last_response and again.last_response.idempotent_replayed


def test_another_body_under_the_same_key_is_refused(client: expe.Expe) -> None:
    key = "checkout-" + order_id()
    client.payments.create(amount=700, currency="INR", order_id=order_id(), idempotency_key=key)
    with pytest.raises(expe.IdempotencyError) as refused:
        client.payments.create(amount=800, currency="INR", order_id=order_id(), idempotency_key=key)
    assert refused.value.status_code == 409 and refused.value.code == "idempotency_key_reused"
    assert isinstance(refused.value, expe.ConflictError)


def test_each_call_gets_its_own_key(client: expe.Expe) -> None:
    order = order_id()
    one = client.payments.create(amount=700, currency="INR", order_id=order)
    two = client.payments.create(amount=700, currency="INR", order_id=order)
    assert one.id != two.id
    assert not (two.last_response and two.last_response.idempotent_replayed)
