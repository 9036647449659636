"""The base of every model: attributes in snake_case, the JSON as received in `raw`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, PrivateAttr, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core.core_schema import ValidatorFunctionWrapHandler

from expe._response import ResponseInfo


class ExpeModel(BaseModel):
    """An object of the API. Fields the SDK does not know yet stay readable in `raw`."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="allow", frozen=True
    )

    _raw: dict[str, Any] = PrivateAttr(default_factory=dict)
    _last_response: ResponseInfo | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _keep_raw(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        model = handler(data)
        if isinstance(data, dict) and isinstance(model, ExpeModel):
            model._raw = data
        return model

    @property
    def raw(self) -> dict[str, Any]:
        """The object's JSON exactly as the API sent it (camelCase keys)."""
        return self._raw

    @property
    def last_response(self) -> ResponseInfo | None:
        """The answer this object came in (its status, headers and request id); None for an
        object nested in another or parsed from a webhook."""
        return self._last_response

    def to_dict(self) -> dict[str, Any]:
        """A copy of `raw`."""
        return dict(self._raw)
