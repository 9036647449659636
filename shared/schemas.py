"""The two bases of every API model: camelCase on the wire, snake_case in Python.

`Schema` is what the API answers (and may be built from snake_case names in code); `Input` is
what it accepts: camelCase fields only, anything unknown refused. A time a `Schema` answers is an
`Instant`, written as every time is (`shared.clock.instant_text`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, PlainSerializer, WithJsonSchema
from pydantic.alias_generators import to_camel

from shared.clock import instant_text

# A datetime that JSON shows as `2025-01-31T10:15:02.417Z`; in Python it stays a datetime.
Instant = Annotated[
    datetime,
    PlainSerializer(instant_text, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


class Schema(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class Input(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, extra="forbid")
