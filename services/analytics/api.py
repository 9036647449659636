"""Analytics routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from services.analytics.schemas import CurrencyTotal, PaymentSummary
from services.analytics.store import PaymentFacts
from shared.app import Database
from shared.identity import CallerDep
from shared.scopes import scope_of

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"])


@router.get("/payments/summary", response_model=PaymentSummary, response_model_by_alias=True)
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
