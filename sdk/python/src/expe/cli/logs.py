"""`expe logs tail`: the merchant's recent API requests, then each new one as it comes."""

from __future__ import annotations

import time

from expe import Expe
from expe.models import RequestLog

_PAGE = 100


def _line(entry: RequestLog) -> str:
    at = entry.at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    took = f"{entry.duration_ms:.0f} ms" if entry.duration_ms is not None else ""
    return f"{at}  {entry.method:<6} {entry.status}  {entry.path}  {entry.request_id}  {took}"


def _after(client: Expe, newest: str) -> list[RequestLog]:
    """Every entry after `newest`, oldest first (the API pages newest first)."""
    collected: list[RequestLog] = []
    before: str | None = None
    while True:
        page = client.logs.list(after=newest, before=before, limit=_PAGE)
        collected.extend(page.data)
        if not page.has_more or not page.data:
            return collected[::-1]
        before = page.data[-1].id


def tail(client: Expe, *, limit: int, follow: bool, interval: float = 1.0) -> None:
    recent = client.logs.list(limit=limit).data
    for entry in reversed(recent):
        print(_line(entry))
    newest = recent[0].id if recent else None
    while follow:
        time.sleep(interval)
        fresh = _after(client, newest) if newest else client.logs.list(limit=_PAGE).data[::-1]
        for entry in fresh:
            print(_line(entry))
        if fresh:
            newest = fresh[-1].id
