"""A payment counts once in the merchant's analytics, however often its event is delivered."""

from datetime import UTC, datetime

from pymongo.asynchronous.database import AsyncDatabase

from services.analytics.store import PaymentFacts


async def test_a_replayed_creation_event_counts_once(db: AsyncDatabase[dict]) -> None:
    facts = PaymentFacts(db)
    created = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    fact = {
        "payment_id": "pay_1",
        "merchant_id": "mer_1",
        "mode": "test",
        "amount": 12_345,
        "currency": "INR",
        "created_at": created,
        "event_id": "evt_1",
    }
    assert await facts.record_created(**fact)
    # Kafka delivers at least once: the same event again, and its redelivery under a new id.
    assert not await facts.record_created(**fact)
    assert not await facts.record_created(**{**fact, "event_id": "evt_2"})
    await facts.record_created(**{**fact, "payment_id": "pay_2", "amount": 5})
    totals = await facts.created_totals("mer_1", "test", None, None)
    assert totals == [{"currency": "INR", "count": 2, "amount": 12_350}]
