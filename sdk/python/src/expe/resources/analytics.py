"""Analytics, rate limits and the key's request log."""

from __future__ import annotations

from datetime import datetime

from expe._calls import Call, ModeT, Resource, as_model, endpoint
from expe.models import Overview, PaymentSummary, RateLimits, RequestLogList


def _time(value: datetime | str | None) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else value


class Analytics(Resource[ModeT]):
    @endpoint
    def summary(
        self, *, since: datetime | str | None = None, until: datetime | str | None = None
    ) -> Call[PaymentSummary]:
        """Payments created per currency in the key's mode, within [since, until)."""
        return Call(
            "GET",
            "/api/v1/analytics/payments/summary",
            as_model(PaymentSummary),
            query={"from": _time(since), "to": _time(until)},
        )

    @endpoint
    def overview(self, *, days: int | None = None, tz: str | None = None) -> Call[Overview]:
        """Today, this month and each of the last `days` days in time zone `tz`, per currency."""
        return Call(
            "GET", "/api/v1/analytics/overview", as_model(Overview), query={"days": days, "tz": tz}
        )


class RateLimitsResource(Resource[ModeT]):
    @endpoint
    def retrieve(self) -> Call[RateLimits]:
        """The caller's rate limits and what is left of them now."""
        return Call("GET", "/api/v1/rate-limits", as_model(RateLimits))


class Logs(Resource[ModeT]):
    @endpoint
    def list(
        self, *, after: str | None = None, before: str | None = None, limit: int | None = None
    ) -> Call[RequestLogList]:
        """The merchant's recent API requests in the key's mode, newest first; `after` and
        `before` (entry ids, both excluded) bound them. `has_more`: more are kept in that range."""
        return Call(
            "GET",
            "/api/v1/logs",
            as_model(RequestLogList),
            query={"after": after, "before": before, "limit": limit},
        )
