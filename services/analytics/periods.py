"""The merchant analytics read model: what each event adds to which counters.

Counters live in one document per merchant, mode and UTC day (`2026-12-06`) and one per month
(`2026-12`), so that a query reads a document per period whatever the number of payments, and a
year by month reads twelve. Within a document, counters are per currency (`c.INR.volume`):

    created, succeeded, volume, failed, refunds, refunded
    methods.<method>.{succeeded, volume, failed}    countries.<country>.{succeeded, volume, failed}
    failures.<code>
    identified, identifiedVolume    payments (and volume) by a known customer
    firstPayments, firstVolume      payments (and volume) that were a customer's first

Top customers are one document per merchant, mode, currency and customer, with the customer's
payments and volume; cohorts one document per merchant and mode (payers.py keeps them). Pure
functions only: the consumer applies their increments exactly once (counting.py), and the bench
folds them into documents directly.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from pymongo import ASCENDING, DESCENDING, IndexModel

from services.analytics.counting import Increment
from services.analytics.events import PaymentCreatedData, PaymentOutcomeData, RefundIssuedData
from shared.mongo import CollectionIndexes

PERIODS = "analytics_periods"
TOP_CUSTOMERS = "top_customers"
COHORTS = "cohorts"
PAYERS = "payers"
COUNTED_EVENTS = "counted_events"

INDEXES = (
    CollectionIndexes(
        PERIODS,
        (
            IndexModel(
                [
                    ("merchantId", ASCENDING),
                    ("mode", ASCENDING),
                    ("kind", ASCENDING),
                    ("start", ASCENDING),
                ],
                name="by_merchant_kind_start",
            ),
        ),
    ),
    CollectionIndexes(
        TOP_CUSTOMERS,
        (
            IndexModel(
                [
                    ("merchantId", ASCENDING),
                    ("mode", ASCENDING),
                    ("currency", ASCENDING),
                    ("volume", DESCENDING),
                ],
                name="by_merchant_volume",
            ),
        ),
    ),
)

UNKNOWN = "unknown"


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def period_increments(
    merchant_id: str, mode: str, at: datetime, currency: str, counts: dict[str, int]
) -> list[Increment]:
    """`counts` (paths under the currency) added to the day and the month of `at`."""
    day = at.astimezone(UTC).date()
    inc = {f"c.{currency}.{path}": value for path, value in counts.items()}
    base = {"merchantId": merchant_id, "mode": mode}
    month_start = datetime(day.year, day.month, 1, tzinfo=UTC)
    return [
        Increment(
            PERIODS,
            f"{merchant_id}:{mode}:{day.isoformat()}",
            inc,
            base | {"kind": "day", "start": datetime(day.year, day.month, day.day, tzinfo=UTC)},
        ),
        Increment(
            PERIODS,
            f"{merchant_id}:{mode}:{month_of(day)}",
            dict(inc),
            base | {"kind": "month", "start": month_start},
        ),
    ]


def created_increments(merchant_id: str, mode: str, data: PaymentCreatedData) -> list[Increment]:
    return period_increments(merchant_id, mode, data.created_at, data.currency, {"created": 1})


def refund_increments(merchant_id: str, mode: str, data: RefundIssuedData) -> list[Increment]:
    counts = {"refunds": 1, "refunded": data.amount}
    return period_increments(merchant_id, mode, data.created_at, data.currency, counts)


def outcome_increments(
    merchant_id: str, mode: str, data: PaymentOutcomeData, succeeded: bool
) -> list[Increment]:
    """A payment's success or failure, counted when it happened: by method and country, with
    the failure's code; a success also to its customer's volume."""
    method = data.method or UNKNOWN
    country = data.country or UNKNOWN
    if not succeeded:
        counts = {
            "failed": 1,
            f"methods.{method}.failed": 1,
            f"countries.{country}.failed": 1,
            f"failures.{data.failure_code or UNKNOWN}": 1,
        }
        return period_increments(merchant_id, mode, data.occurred_at, data.currency, counts)
    amount = data.amount
    counts = {
        "succeeded": 1,
        "volume": amount,
        f"methods.{method}.succeeded": 1,
        f"methods.{method}.volume": amount,
        f"countries.{country}.succeeded": 1,
        f"countries.{country}.volume": amount,
    }
    if data.customer_id is None:
        return period_increments(merchant_id, mode, data.occurred_at, data.currency, counts)
    counts |= {"identified": 1, "identifiedVolume": amount}
    top = Increment(
        TOP_CUSTOMERS,
        f"{merchant_id}:{mode}:{data.currency}:{data.customer_id}",
        {"payments": 1, "volume": amount},
        {
            "merchantId": merchant_id,
            "mode": mode,
            "currency": data.currency,
            "customerId": data.customer_id,
            "label": data.customer_label,
        },
    )
    return [*period_increments(merchant_id, mode, data.occurred_at, data.currency, counts), top]
