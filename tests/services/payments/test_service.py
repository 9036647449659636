"""The service on the real local store without HTTP: what the sweeper does after a crash."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from services.payments.errors import PaymentStateConflict
from services.payments.links.service import LinkService
from services.payments.links.store import LinkStore
from services.payments.refunds import RefundService
from services.payments.schemas import ConfirmRequest, PaymentCreate, RefundCreate
from services.payments.service import PaymentService
from services.payments.settings import PaymentsSettings
from services.payments.states import transition_id
from services.payments.store import PaymentStore, refund_id
from services.payments.sweeper import Sweeper
from shared.events.outbox import Outbox
from shared.mongo import Document
from shared.scopes import Scope

pytestmark = pytest.mark.infra

SCOPE = Scope("mer_sweep", "test", {"type": "api_key", "id": "key_x"})


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Services:
    def __init__(self, db: AsyncDatabase[Document], clock: Clock) -> None:
        store, outbox = (
            PaymentStore(db, PaymentsSettings().sealing_keyring()),
            Outbox(db, "payments"),
        )
        settings = PaymentsSettings()
        self.store = store
        self.payments = PaymentService(store, outbox, settings, clock)
        self.refunds = RefundService(self.payments, store, outbox, clock)
        self.links = LinkService(LinkStore(db), self.payments, store, outbox, settings, clock)
        self.sweeper = Sweeper(self.payments, self.refunds, store, outbox, self.links, clock)

    async def sweep(self) -> None:
        await self.sweeper.sweep()


def create_body(**fields: object) -> PaymentCreate:
    body = {"amount": 1_000, "currency": "INR", "orderId": "o-1", **fields}
    return PaymentCreate.model_validate(body)


async def topics(db: AsyncDatabase[Document]) -> list[str]:
    return [doc["topic"] async for doc in db["outbox"].find().sort("order", 1)]


async def test_a_creation_event_lost_in_a_crash_is_written_by_the_sweep(
    db: AsyncDatabase[Document],
) -> None:
    clock = Clock()
    services = Services(db, clock)
    payments = services.payments
    payment = await payments.create(SCOPE, create_body())
    # As if the process died between inserting the payment and writing the rest.
    await db["outbox"].delete_many({})
    await db["payment_transitions"].delete_many({})
    await services.sweep()
    assert await topics(db) == []  # too recent: its creator may still be writing
    clock.advance(minutes=2)
    await services.sweep()
    await services.sweep()
    timeline = await payments.history(SCOPE, payment.id)
    assert await topics(db) == ["payment.created"]
    assert [(t["from"], t["to"]) for t in timeline] == [(None, "created")]


async def test_a_claimed_transition_a_crash_left_unapplied_is_applied(
    db: AsyncDatabase[Document],
) -> None:
    clock = Clock()
    services = Services(db, clock)
    payments = services.payments
    payment = await payments.create(SCOPE, create_body())
    # The claim of a cancel got in, then the process died before writing the payment.
    await PaymentStore(db, PaymentsSettings().sealing_keyring()).claim(
        {
            "_id": transition_id(payment.id, "created"),
            "paymentId": payment.id,
            "from": "created",
            "to": "canceled",
            "at": clock(),
            "cause": "canceled_by_merchant",
            "actor": SCOPE.actor,
            "fields": {},
            "applied": False,
        }
    )
    clock.advance(minutes=2)
    await services.sweep()
    after = await payments.get(SCOPE, payment.id)
    assert after.status == "canceled"
    assert await topics(db) == ["payment.created", "payment.canceled"]
    assert await db["payment_transitions"].count_documents({"applied": False}) == 0


class CutOff(Exception):
    """The process died here."""


async def test_a_card_confirm_cut_off_after_its_claim_is_finished_by_the_same_card_again(
    db: AsyncDatabase[Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    services = Services(db, clock)
    payments = services.payments
    payment = await payments.create(SCOPE, create_body())

    async def dies(*_: object) -> None:
        raise CutOff

    # The confirm claimed processing, then died before writing the payment.
    with monkeypatch.context() as cut:
        cut.setattr(services.store, "set_fields", dies)
        with pytest.raises(CutOff):
            await payments.confirm(SCOPE, payment.id, confirm_card("4242424242424242"))
    assert (await payments.get(SCOPE, payment.id)).status == "created"
    with pytest.raises(PaymentStateConflict):  # its request may still be writing it
        await payments.confirm(SCOPE, payment.id, confirm_card("4242424242424242"))
    clock.advance(seconds=16)
    with pytest.raises(PaymentStateConflict):  # another card may not take the claim over
        await payments.confirm(SCOPE, payment.id, confirm_card("5555555555554444"))
    paid = await payments.confirm(SCOPE, payment.id, confirm_card("4242424242424242"))
    assert paid.status == "succeeded"
    timeline = await payments.history(SCOPE, payment.id)
    assert [t["to"] for t in timeline] == ["created", "processing", "succeeded"]
    assert await db["payment_transitions"].count_documents({"applied": False}) == 0
    assert await topics(db) == ["payment.created", "payment.completed"]


async def test_a_card_confirm_cut_off_after_charging_answers_its_outcome_when_sent_again(
    db: AsyncDatabase[Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    services = Services(db, clock)
    payments = services.payments
    payment = await payments.create(SCOPE, create_body())
    set_fields = services.store.set_fields

    async def dies_on_success(payment_id: str, fields: dict[str, object]) -> None:
        if fields["status"] == "succeeded":
            raise CutOff
        await set_fields(payment_id, fields)

    # The card was charged and the success claimed, then the process died.
    with monkeypatch.context() as cut:
        cut.setattr(services.store, "set_fields", dies_on_success)
        with pytest.raises(CutOff):
            await payments.confirm(SCOPE, payment.id, confirm_card("4242424242424242"))
    assert (await payments.get(SCOPE, payment.id)).status == "processing"
    with pytest.raises(PaymentStateConflict):  # its request may still be writing it
        await payments.confirm(SCOPE, payment.id, confirm_card("4242424242424242"))
    clock.advance(seconds=16)
    paid = await payments.confirm(SCOPE, payment.id, confirm_card("4242424242424242"))
    assert paid.status == "succeeded"
    assert (await payments.get(SCOPE, payment.id)).status == "succeeded"
    assert await db["payment_transitions"].count_documents({"applied": False}) == 0


def confirm_card(number: str) -> ConfirmRequest:
    card = {"number": number, "expMonth": 12, "expYear": 2030, "cvc": "123"}
    return ConfirmRequest.model_validate({"method": "card", "card": card})


async def test_a_card_payment_stuck_in_processing_fails(db: AsyncDatabase[Document]) -> None:
    clock = Clock()
    services = Services(db, clock)
    payments = services.payments
    payment = await payments.create(SCOPE, create_body())
    # The confirming request claimed processing and died before charging.
    await payments.move(payment, "processing", "confirm:card", SCOPE, {"method": "card"})
    clock.advance(minutes=6)
    await services.sweep()
    after = await payments.get(SCOPE, payment.id)
    assert (after.status, after.failure_code) == ("failed", "processing_error")
    assert await topics(db) == ["payment.created", "payment.failed"]


async def test_a_refund_event_lost_in_a_crash_is_written_by_the_sweep(
    db: AsyncDatabase[Document],
) -> None:
    clock = Clock()
    services = Services(db, clock)
    payments = services.payments
    payment = await payments.create(SCOPE, create_body())
    await payments.confirm(SCOPE, payment.id, confirm_card("4242424242424242"))
    await services.refunds.refund(SCOPE, payment.id, RefundCreate.model_validate({"amount": 400}))
    await db["outbox"].delete_many({"topic": "refund.issued"})
    await db["payments"].update_one({"_id": payment.id}, {"$set": {"amountRefunded": 0}})
    clock.advance(minutes=2)
    await services.sweep()
    stored = await db["payments"].find_one({"_id": payment.id})
    link = await db["refunds"].find_one({"_id": refund_id(payment.id, 1)})
    assert (await topics(db)).count("refund.issued") == 1
    assert stored is not None and stored["amountRefunded"] == 400
    assert link is not None and link["amountRefunded"] == 400


async def test_every_state_change_goes_through_the_state_machine(
    db: AsyncDatabase[Document],
) -> None:
    services = Services(db, Clock())
    payment = await services.payments.create(SCOPE, create_body())
    with pytest.raises(PaymentStateConflict):
        await services.payments.move(payment, "succeeded", "skipping processing", SCOPE)
    assert await db["payment_transitions"].count_documents({}) == 1  # the creation only


async def test_one_replica_sweeps_each_interval(db: AsyncDatabase[Document]) -> None:
    leases = [
        PaymentStore(db, PaymentsSettings().sealing_keyring()).sweep_lease(3600) for _ in range(10)
    ]
    held = await asyncio.gather(*(lease.held() for lease in leases))
    assert sorted(held) == [False] * 9 + [True]
    sweeper = leases[held.index(True)]
    assert await sweeper.held()
    await sweeper.release()
    held_after = await asyncio.gather(*(lease.held() for lease in leases))
    assert sum(held_after) == 1
