"""Analytics routes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Query

from services.analytics.overview import overview, window_start
from services.analytics.schemas import CurrencyTotal, Overview, PaymentSummary
from services.analytics.store import PaymentBuckets, PaymentFacts
from shared.app import Database
from shared.clock import now_ms
from shared.errors import InvalidRequest, PermissionDenied
from shared.identity import CallerDep
from shared.openapi import errors
from shared.scopes import scope_of

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"])


@router.get(
    "/payments/summary",
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
    "/overview",
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
