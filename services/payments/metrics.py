"""What SREs and the business dashboards watch of payments: each state entered, by method and
mode, the failures by code, and the money that moved in minor units per currency.

A transition is counted by the request that claimed it (states.py), so once however many
confirms raced for it. Amounts are counters of minor units: their rate is volume per second,
`increase` over a day is the day's volume, exact for every currency.
"""

from __future__ import annotations

from prometheus_client import Counter

from services.payments.records import PaymentRecord, RefundLink
from services.payments.schemas import METHODS
from shared.mongo import Document

PAYMENTS = Counter(
    "expe_payments_total",
    "Payments entering a state (created, processing, succeeded, failed, canceled, expired), "
    "by method (none before one is chosen) and mode",
    ["status", "method", "mode"],
)
FAILURES = Counter(
    "expe_payment_failures_total",
    "Failed payments by failure code (a decline code, processing_error, upi_payment_failed, "
    "wallet_...), method and mode",
    ["code", "method", "mode"],
)
VOLUME = Counter(
    "expe_payment_volume_minor_total",
    "Minor units of the currency paid by succeeded payments",
    ["currency", "mode"],
)
REFUNDS = Counter("expe_refunds_total", "Refunds issued", ["mode"])
REFUNDED = Counter(
    "expe_refund_volume_minor_total", "Minor units of the currency refunded", ["currency", "mode"]
)
_MODES = ("test", "live")
# The outcomes the failure-rate alert divides, present from the start so no first one is lost.
for _mode in _MODES:
    REFUNDS.labels(_mode)
    for _method in METHODS:
        for _status in ("succeeded", "failed"):
            PAYMENTS.labels(_status, _method, _mode)


def count_transition(payment: PaymentRecord, entry: Document) -> None:
    """Counts `payment` entering the state of the transition `entry` it was claimed for."""
    status, fields = entry["to"], entry["fields"]
    method = fields.get("method") or payment.method or "none"
    PAYMENTS.labels(status, method, payment.mode).inc()
    if status == "succeeded":
        VOLUME.labels(payment.currency, payment.mode).inc(payment.amount)
    elif status == "failed":
        FAILURES.labels(fields["failureCode"], method, payment.mode).inc()


def count_refund(refund: RefundLink) -> None:
    REFUNDS.labels(refund.mode).inc()
    REFUNDED.labels(refund.currency, refund.mode).inc(refund.amount)
