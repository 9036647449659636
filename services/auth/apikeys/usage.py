"""When to record a key's use: at most once a minute per key, decided in memory.

Resolving a key must not cost a database write each time, nor a read to find out whether one is
due. Each process remembers when it last wrote a key's use; with several replicas a key's use is
written at most once a minute by each.
"""

from __future__ import annotations

import time

# Past this many remembered keys, the ones not written within the interval are forgotten.
_MAX_REMEMBERED = 10_000


class UsageThrottle:
    def __init__(self, interval_seconds: float = 60.0) -> None:
        self._interval = interval_seconds
        self._written: dict[str, float] = {}

    def due(self, key_id: str) -> bool:
        """True (and remembered as written) when the key's use has not been written lately."""
        now = time.monotonic()
        last = self._written.get(key_id)
        if last is not None and now - last < self._interval:
            return False
        if len(self._written) >= _MAX_REMEMBERED:
            self._written = {
                key: at for key, at in self._written.items() if now - at < self._interval
            }
        self._written[key_id] = now
        return True
