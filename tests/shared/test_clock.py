"""Times: one format and one precision wherever the API writes one."""

from __future__ import annotations

import importlib
import pkgutil
import types
from datetime import UTC, datetime, timedelta, timezone
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel

import services
import shared
from shared.clock import instant_text, now_ms, to_ms
from shared.schemas import Instant, Schema


def test_a_time_is_written_in_utc_with_milliseconds_and_z() -> None:
    india = timezone(timedelta(hours=5, minutes=30))
    assert instant_text(datetime(2025, 1, 31, 10, 15, 2, 417_999, tzinfo=UTC)) == (
        "2025-01-31T10:15:02.417Z"
    )
    assert instant_text(datetime(2025, 1, 31, 15, 45, 2, tzinfo=india)) == (
        "2025-01-31T10:15:02.000Z"
    )
    # The store hands back UTC; a time without a zone is read as such.
    assert instant_text(datetime(2025, 1, 31, 10, 15, 2, 5_000)) == "2025-01-31T10:15:02.005Z"


def test_a_time_made_now_reads_as_it_will_read_back_from_the_store() -> None:
    moment = datetime.now(UTC)
    assert instant_text(moment) == instant_text(to_ms(moment))
    assert now_ms().microsecond % 1000 == 0


class _Answer(Schema):
    created_at: Instant
    finished_at: Instant | None = None


def test_an_instant_is_json_text_and_stays_a_datetime_in_python() -> None:
    at = datetime(2026, 6, 15, 8, 0, 0, 123_456, tzinfo=UTC)
    answer = _Answer(created_at=at)
    assert answer.model_dump(mode="json", by_alias=True) == {
        "createdAt": "2026-06-15T08:00:00.123Z",
        "finishedAt": None,
    }
    assert answer.model_dump()["created_at"] == at
    assert _Answer.model_validate({"createdAt": "2026-06-15T08:00:00.123Z"}).created_at == to_ms(at)


def _modules(package: types.ModuleType) -> None:
    for found in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        importlib.import_module(found.name)


def _schemas() -> list[type[BaseModel]]:
    for package in (services, shared):
        _modules(package)
    seen: list[type[BaseModel]] = []
    queue: list[type[BaseModel]] = [Schema]
    while queue:
        cls = queue.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.append(sub)
                queue.append(sub)
    return [cls for cls in seen if cls.__module__.startswith(("services.", "shared."))]


def _bare_datetimes(annotation: Any) -> bool:
    """Whether `annotation` holds a datetime that is not an Instant."""
    if annotation is datetime:
        return True
    if get_origin(annotation) is Annotated:
        inner = get_args(annotation)[0]
        if inner is datetime:
            return annotation != Instant
        return _bare_datetimes(inner)
    return any(_bare_datetimes(arg) for arg in get_args(annotation))


def test_every_time_the_api_answers_is_an_instant() -> None:
    schemas = _schemas()
    assert len(schemas) > 50, "the services' answer models should all be found"
    bare = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in schemas
        for name, field in cls.model_fields.items()
        # A field declared `Instant` keeps its serializer in the metadata, `Instant | None` in
        # the annotation.
        if _bare_datetimes(field.annotation)
        and not any(getattr(meta, "func", None) is instant_text for meta in field.metadata)
    ]
    assert bare == [], "declare answered times as shared.schemas.Instant"
