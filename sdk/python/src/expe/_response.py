"""What every result carries about the HTTP answer it came from."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx


@dataclass(frozen=True)
class ResponseInfo:
    """The answer a result came from: quote `request_id` when asking for help."""

    status_code: int
    headers: httpx.Headers = field(repr=False)
    request_id: str | None

    @classmethod
    def of(cls, response: httpx.Response) -> ResponseInfo:
        return cls(response.status_code, response.headers, response.headers.get("x-request-id"))

    @property
    def idempotent_replayed(self) -> bool:
        """True when the API replayed the first answer to this Idempotency-Key."""
        return bool(self.headers.get("idempotent-replayed") == "true")
