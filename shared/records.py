"""Store documents as the API names their fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def from_doc(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The document's fields with the store's `_id` as the API's `id`, for `model_validate`."""
    fields = dict(doc)
    fields["id"] = fields.pop("_id")
    return fields
