"""The two bases of every API model: camelCase on the wire, snake_case in Python.

`Schema` is what the API answers (and may be built from snake_case names in code); `Input` is
what it accepts: camelCase fields only, anything unknown refused.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class Schema(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class Input(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, extra="forbid")
