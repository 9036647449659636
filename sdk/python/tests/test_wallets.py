"""The merchant's wallets: open, top up, read the statement, transfer."""

from __future__ import annotations

import pytest

import expe
from tests.conftest import Stack


def test_a_wallet_is_opened_topped_up_and_its_statement_read(client: expe.Expe) -> None:
    wallet = client.wallets.create(currency="INR")
    assert client.wallets.create(currency="INR").id == wallet.id  # opening twice is one wallet
    assert wallet.owner.type == "merchant" and wallet.currency == "INR"

    topup = client.topups.create(
        wallet_id=wallet.id, amount=25000, source={"type": "upi", "vpa": "shop@upi"}
    )
    assert (topup.type, topup.status, topup.amount) == ("topup", "succeeded", 25000)
    assert client.topups.retrieve(topup.id).status == "succeeded"

    after = client.wallets.retrieve(wallet.id)
    assert after.available == wallet.available + 25000
    assert wallet.id in [w.id for w in client.wallets.list()]

    entries = client.wallets.entries(wallet.id, limit=1)
    assert entries.data[0].movement_id == topup.id and entries.data[0].available_change == 25000
    assert sum(1 for _ in entries) == entries.total
    statement = client.wallets.export_entries(wallet.id)
    assert topup.id in statement.text()


def test_a_transfer_to_an_unknown_email_is_not_found(client: expe.Expe) -> None:
    wallet = client.wallets.create(currency="INR")
    with pytest.raises(expe.NotFoundError) as refused:
        client.transfers.create(
            from_wallet_id=wallet.id,
            to={"email": "nobody-at-all@example.com"},
            amount=100,
            currency="INR",
        )
    assert refused.value.code == "recipient_not_found"


def test_a_transfer_moves_money_to_a_person(client: expe.Expe, stack: Stack) -> None:
    if stack.recipient_email is None:
        pytest.skip("EXPE_RECIPIENT_EMAIL names no verified user to pay")
    wallet = client.wallets.create(currency="INR")
    client.topups.create(wallet_id=wallet.id, amount=5000, source={"type": "bank"})
    before = client.wallets.retrieve(wallet.id).available
    transfer = client.transfers.create(
        from_wallet_id=wallet.id,
        to={"email": stack.recipient_email},
        amount=1200,
        currency="INR",
        note="a refund by hand",
    )
    assert (transfer.status, transfer.from_wallet_id, transfer.note) == (
        "succeeded",
        wallet.id,
        "a refund by hand",
    )
    assert client.transfers.retrieve(transfer.id).to_wallet_id == transfer.to_wallet_id
    assert client.wallets.retrieve(wallet.id).available == before - 1200

    with pytest.raises(expe.PaymentError) as refused:
        client.transfers.create(
            from_wallet_id=wallet.id,
            to={"email": stack.recipient_email},
            amount=before,  # 1200 of it has just left
            currency="INR",
        )
    assert refused.value.code == "insufficient_funds"
