"""Analytics routes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Query

from services.analytics.overview import overview, window_start
from services.analytics.report import Granularity, MerchantReport
from services.analytics.schemas import CurrencyTotal, MerchantAnalytics, Overview, PaymentSummary
from services.analytics.store import PaymentBuckets, PaymentFacts
from shared.app import Database
from shared.clock import now_ms
from shared.errors import InvalidRequest, MerchantNotFound, PermissionDenied
from shared.identity import CallerDep
from shared.openapi import errors
from shared.scopes import scope_of

router = APIRouter(tags=["analytics"])
# The longest range one report covers: two years, by day at most 731 periods.
MAX_RANGE_DAYS = 731
# Dates a report may name: a range's arithmetic stays far from the calendar's ends.
EARLIEST, LATEST = date(1970, 1, 1), date(9998, 12, 31)


@router.get(
    "/api/v1/analytics/payments/summary",
    response_model=PaymentSummary,
    response_model_by_alias=True,
    summary="Summarize payments",
    responses=errors(PermissionDenied),
)
async def payment_summary(
    db: Database,
    caller: CallerDep,
    since: Annotated[datetime | None, Query(alias="from")] = None,
    until: Annotated[datetime | None, Query(alias="to")] = None,
) -> PaymentSummary:
    """Payments created per currency for the caller's merchant and mode, within [from, to)."""
    scope = scope_of(caller)
    totals = await PaymentFacts(db).created_totals(scope.merchant_id, scope.mode, since, until)
    return PaymentSummary(
        merchant_id=scope.merchant_id,
        mode=scope.mode,
        payments_created=[CurrencyTotal.model_validate(row) for row in totals],
    )


@router.get(
    "/api/v1/analytics/overview",
    response_model_by_alias=True,
    summary="Payments overview",
    responses=errors(InvalidRequest, PermissionDenied),
)
async def payments_overview(
    db: Database,
    caller: CallerDep,
    days: Annotated[int, Query(ge=1, le=90)] = 30,
    tz: Annotated[str, Query(max_length=64)] = "UTC",
) -> Overview:
    """Today, this month and each of the last `days` days in time zone `tz`, per currency:
    payments created, succeeded (and their volume), failed, refunds and the amount refunded."""
    scope = scope_of(caller)
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: a name of the zone database's folders (`Europe`) or files that are no zone.
        raise InvalidRequest(f"{tz!r} is not an IANA time zone.", param="tz") from None
    now = now_ms()
    since = window_start(now, zone, days)
    until = now + timedelta(seconds=1)  # the current quarter hour's bucket started before now
    buckets = await PaymentBuckets(db).between(scope.merchant_id, scope.mode, since, until)
    return overview(buckets, now.astimezone(UTC), zone, days)


@router.get(
    "/api/v1/merchants/{merchant_id}/analytics",
    response_model_by_alias=True,
    summary="A merchant's analytics",
    responses=errors(InvalidRequest, MerchantNotFound, PermissionDenied),
)
async def read_merchant_analytics(
    merchant_id: str,
    db: Database,
    caller: CallerDep,
    since: Annotated[date | None, Query(alias="from", ge=EARLIEST, le=LATEST)] = None,
    until: Annotated[date | None, Query(alias="to", ge=EARLIEST, le=LATEST)] = None,
    granularity: Granularity = "day",
    currency: Annotated[str | None, Query(pattern="^[A-Z]{3}$")] = None,
) -> MerchantAnalytics:
    """The caller's merchant's payments in the caller's mode from `from` to `to` (UTC dates, both
    included; the last 30 days by default), per currency (or only `currency`) and per day, ISO
    week or month: gross volume, refunded and net; created, succeeded and failed with the
    success rate and the failures' codes; methods; countries; new and returning customers and
    the average order value; the top customers of all time; and monthly cohort retention."""
    scope = scope_of(caller)
    if merchant_id != scope.merchant_id:
        raise MerchantNotFound(f"No merchant {merchant_id} for this caller.")
    end = until or now_ms().astimezone(UTC).date()
    start = since or end - timedelta(days=29)
    if start > end:
        raise InvalidRequest("from: must not be after to.", param="from")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise InvalidRequest(f"from: a range covers {MAX_RANGE_DAYS} days at most.", param="from")
    report = MerchantReport(db)
    return await report.read(scope.merchant_id, scope.mode, start, end, granularity, currency)
