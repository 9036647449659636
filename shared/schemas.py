"""The two bases of every API model: camelCase on the wire, snake_case in Python.

`Schema` is what the API answers (and may be built from snake_case names in code); `Input` is
what it accepts: camelCase fields only, anything unknown refused. A time a `Schema` answers is an
`Instant`, written as every time is (`shared.clock.instant_text`).

JSON may escape half of a UTF-16 surrogate pair (`"\\ud800"`), which decodes to a string that
is no text: it cannot be encoded as UTF-8, so the store, the broker and the signer would fail on
it later. `Input` refuses it anywhere in a request, as the invalid input it is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainSerializer, WithJsonSchema, model_validator
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


def _is_text(data: Any) -> bool:
    # A walk with a stack of its own, so that deeply nested JSON cannot exhaust Python's.
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if not value.isascii() and any("\ud800" <= char <= "\udfff" for char in value):
                return False
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return True


class Input(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _text_only(cls, data: Any) -> Any:
        if not _is_text(data):
            raise ValueError(
                "Strings must be Unicode text; a lone UTF-16 surrogate (\\ud800) is not."
            )
        return data
