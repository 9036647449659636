"""Analytics routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from services.analytics.schemas import CurrencyTotal, PaymentSummary
from services.analytics.store import PaymentFacts
from shared.app import Database

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"])


@router.get("/payments/summary", response_model=PaymentSummary, response_model_by_alias=True)
async def payment_summary(
    db: Database,
    merchant_id: Annotated[str, Query(alias="merchantId", min_length=1, max_length=64)],
    since: Annotated[datetime | None, Query(alias="from")] = None,
    until: Annotated[datetime | None, Query(alias="to")] = None,
) -> PaymentSummary:
    """Payments created per currency for a merchant, optionally within [from, to)."""
    totals = await PaymentFacts(db).created_totals(merchant_id, since, until)
    return PaymentSummary(
        merchant_id=merchant_id,
        payments_created=[CurrencyTotal.model_validate(row) for row in totals],
    )
