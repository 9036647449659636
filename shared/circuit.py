"""A circuit breaker per called service: after a run of failures, calls are refused at once
for a cool-down instead of each waiting for its own timeout, then one trial call decides.

A service that is down or stuck then costs its callers nothing but a fast 503 with
Retry-After, and their own workers, connections and event loop stay free for everything else.
Only a failure of the service itself counts: no answer in time, no connection, or a 502/503/504
(its dependencies down). A 4xx or a 500 is an answer: the service is there.

States, on /metrics as `expe_circuit_state{upstream}`: closed (0, calls go through), open (1,
refused until the cool-down ends), half-open (2, one trial call is let through; its success
closes the circuit, its failure opens it again).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from enum import IntEnum

from prometheus_client import Counter, Gauge

from shared.errors import ServiceUnavailable

CIRCUIT_STATE = Gauge(
    "expe_circuit_state",
    "The circuit to each called service: 0 closed, 1 open (calls refused), 2 half-open",
    ["upstream"],
)
CIRCUIT_OPENED = Counter(
    "expe_circuit_opened_total", "Times the circuit to a service opened", ["upstream"]
)
CIRCUIT_REFUSED = Counter(
    "expe_circuit_refused_total",
    "Calls refused at once because the circuit to the service was open",
    ["upstream"],
)

# The answers that say the service cannot serve now, as opposed to an answer about the request.
FAILING_STATUSES = frozenset({502, 503, 504})


class State(IntEnum):
    CLOSED = 0
    OPEN = 1
    HALF_OPEN = 2


class CircuitBreaker:
    def __init__(
        self,
        upstream: str,
        *,
        failure_threshold: int = 5,
        cool_down_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.upstream = upstream
        self._threshold = failure_threshold
        self._cool_down = cool_down_seconds
        self._clock = clock
        self._failures = 0
        self._opened_at = 0.0
        self._trial_running = False
        self._set(State.CLOSED)

    @property
    def state(self) -> State:
        return self._state

    def _set(self, state: State) -> None:
        self._state = state
        CIRCUIT_STATE.labels(self.upstream).set(int(state))

    def before_call(self) -> None:
        """Raises ServiceUnavailable, with Retry-After, while the circuit refuses calls."""
        if self._state is State.OPEN:
            waited = self._clock() - self._opened_at
            if waited < self._cool_down:
                self._refuse(self._cool_down - waited)
            self._set(State.HALF_OPEN)
        if self._state is State.HALF_OPEN:
            if self._trial_running:
                self._refuse(self._cool_down)
            self._trial_running = True

    def _refuse(self, retry_in: float) -> None:
        CIRCUIT_REFUSED.labels(self.upstream).inc()
        raise ServiceUnavailable(
            f"The {self.upstream} service is failing; calls to it are paused for a few seconds.",
            headers={"Retry-After": str(max(1, math.ceil(retry_in)))},
        )

    def succeeded(self) -> None:
        self._failures = 0
        self._trial_running = False
        if self._state is not State.CLOSED:
            self._set(State.CLOSED)

    def abandoned(self) -> None:
        """The call ended without telling (the caller gave up): a trial may be made again."""
        self._trial_running = False

    def failed(self) -> None:
        self._trial_running = False
        self._failures += 1
        if self._state is State.HALF_OPEN or self._failures >= self._threshold:
            if self._state is not State.OPEN:
                CIRCUIT_OPENED.labels(self.upstream).inc()
            self._opened_at = self._clock()
            self._set(State.OPEN)

    def record(self, status: int) -> None:
        """An answer arrived: a failure only when it says the service cannot serve now."""
        if status in FAILING_STATUSES:
            self.failed()
        else:
            self.succeeded()
