"""Load shedding: past what a service keeps up with, the gateway answers at once.

This gateway sends each service at most `max_in_flight_per_service` requests at a time; one more
is refused straight away with 503 `overloaded` and `Retry-After`. Under overload a client then
learns in a millisecond that it should come back, and the requests admitted keep their latency:
a queue in front of a saturated service only makes every request slow until clients time out,
and the work of the ones they gave up on is still done.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from shared.errors import ExpeError

RETRY_AFTER_SECONDS = 1


class Overloaded(ExpeError):
    """The service has as many requests from this gateway as it can take; retry shortly."""

    status_code = 503
    type = "api_error"
    code = "overloaded"


class InFlightLimit:
    def __init__(self, per_service: int) -> None:
        self._limit = per_service
        self._in_flight: Counter[str] = Counter()

    @contextmanager
    def admit(self, service: str) -> Iterator[None]:
        if self._in_flight[service] >= self._limit:
            raise Overloaded(
                f"The {service} service is at capacity; retry in {RETRY_AFTER_SECONDS} s.",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        self._in_flight[service] += 1
        try:
            yield
        finally:
            self._in_flight[service] -= 1
