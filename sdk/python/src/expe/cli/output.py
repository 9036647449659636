"""How results are printed: JSON with `--json`, otherwise aligned text."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from expe.models import ExpeModel


def print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def print_object(model: ExpeModel) -> None:
    """One object as `field  value` lines, in the API's order."""
    raw = model.raw
    width = max((len(name) for name in raw), default=0)
    for name, value in raw.items():
        print(f"{name.ljust(width)}  {_cell(value)}")


def print_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)]
    for row in [list(headers), *cells]:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
