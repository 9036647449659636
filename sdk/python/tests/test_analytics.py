"""Analytics, rate limits and the request log, read with a secret key."""

from __future__ import annotations

import pytest

import expe
from tests.conftest import Stack, new_payment, pay
from tests.servers import wait_for


def test_the_summary_and_overview_count_payments(client: expe.Expe, stack: Stack) -> None:
    pay(client, new_payment(client, amount=4200))
    summary = client.analytics.summary()
    assert (summary.merchant_id, summary.mode) == (stack.merchant_id, "test")
    assert any(t.currency == "INR" and t.count >= 1 for t in summary.payments_created)

    def counted() -> expe.models.Overview | None:
        overview = client.analytics.overview(days=3, tz="Asia/Kolkata")
        inr = [c for c in overview.currencies if c.currency == "INR"]
        return overview if inr and inr[0].today.succeeded >= 1 else None

    overview = wait_for(counted, what="the overview to count the payment")
    assert overview.currencies[0].days and overview.timezone == "Asia/Kolkata"


def test_a_key_reads_its_rate_limits(client: expe.Expe) -> None:
    limits = client.rate_limits.retrieve()
    assert limits.enabled
    key_bucket = next(bucket for bucket in limits.data if bucket.name == "apiKey")
    assert 0 <= key_bucket.remaining <= key_bucket.limit
    answer = client.payments.list(limit=1).last_response
    assert answer is not None and int(answer.headers["ratelimit-limit"]) > 0


def test_the_request_log_shows_the_keys_requests(client: expe.Expe) -> None:
    with pytest.raises(expe.NotFoundError) as missing:
        client.payments.retrieve("pay_requestlogmarker")
    request_id = missing.value.request_id

    def logged() -> expe.models.RequestLog | None:
        return next(
            (e for e in client.logs.list(limit=20).data if e.request_id == request_id), None
        )

    entry = wait_for(logged, what="the request in the log")
    assert (entry.method, entry.path, entry.status) == (
        "GET",
        "/api/v1/payments/pay_requestlogmarker",
        404,
    )
    newer = client.logs.list(after=entry.id)
    assert entry.id not in [e.id for e in newer.data]
