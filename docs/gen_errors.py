"""The error-code reference, generated from the code at every docs build (a MkDocs hook).

Imports every module of shared/, services/ and gateway/, walks the subclasses of `ExpeError`,
and writes reference/errors.md with each class's code, HTTP status, type and docstring. The page
is generated in memory: nothing is written into docs/. `python docs/gen_errors.py` prints it.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Iterator
from http import HTTPStatus
from itertools import groupby
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from mkdocs.config.defaults import MkDocsConfig  # noqa: E402
from mkdocs.structure.files import File, Files  # noqa: E402

from shared.errors import ExpeError  # noqa: E402

PAGE = "reference/errors.md"
PACKAGES = ("shared", "services", "gateway")

# Answers the one error handler (shared/errors.py) makes itself, not from an ExpeError class:
# (status, type, code, meaning). Those an error class comes to stand for drop out of the page.
HANDLER_ERRORS = (
    (
        400,
        "invalid_request_error",
        "parameter_invalid",
        "A parameter has the wrong type or value; `param` names it (`metadata.orderId`).",
    ),
    (
        400,
        "invalid_request_error",
        "parameter_missing",
        "A required parameter is missing; `param` names it.",
    ),
    (400, "invalid_request_error", "invalid_json", "The request body is not valid JSON."),
    (
        404,
        "invalid_request_error",
        "resource_missing",
        "No such route (also the code of a missing resource).",
    ),
    (
        405,
        "invalid_request_error",
        "method_not_allowed",
        "The route exists, but not with this HTTP method.",
    ),
    (
        500,
        "api_error",
        "internal_error",
        "A bug on Expe's side; the body says nothing more. Quote the request id when reporting it.",
    ),
    (
        503,
        "api_error",
        "service_unavailable",
        "The database did not answer in time; retry shortly (`Retry-After: 1`).",
    ),
)


def handler_errors(
    by_classes: set[tuple[int, str]],
) -> list[tuple[int, str, str, str]]:
    """The handler's own answers that no error class already stands for."""
    return [row for row in HANDLER_ERRORS if (row[0], row[2]) not in by_classes]


def error_classes() -> list[type[ExpeError]]:
    """Every ExpeError subclass the code defines, by status, code and name."""
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        for module in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            importlib.import_module(module.name)

    def below(cls: type[ExpeError]) -> Iterator[type[ExpeError]]:
        for subclass in cls.__subclasses__():
            yield subclass
            yield from below(subclass)

    found = {cls for cls in below(ExpeError) if cls.__module__.startswith(PACKAGES)}
    return sorted(found, key=lambda cls: (cls.status_code, cls.code, cls.__qualname__))


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _meaning(cls: type[ExpeError]) -> str:
    return _cell((cls.__doc__ or "").strip().split("\n\n")[0])


def render() -> str:
    lines = [
        "# Error codes",
        "",
        "Every error answers with the HTTP status below and a body of one shape:",
        "",
        "```json",
        '{"error": {"type": "invalid_request_error", "code": "payment_not_found",',
        '           "message": "No payment pay_123 in test mode.", "param": null,',
        '           "requestId": "req_3hK9…"}}',
        "```",
        "",
        "Branch on `code` (stable) and `type` (its family), never on `message`, which is written "
        "for people and may change. `param` names the field at fault, when one is. The request id "
        "is also in the `X-Request-ID` header and in every log line the request wrote "
        "([Troubleshooting](../troubleshooting.md)).",
        "",
        "This page is generated from the code at every build of the guides "
        "(`docs/gen_errors.py`): each row is an error class, so a code that several classes "
        "share appears once for each. Some answer only on the services' internal routes.",
        "",
    ]
    classes = error_classes()
    for status, group in groupby(classes, key=lambda cls: cls.status_code):
        lines += [
            f"## {status} {HTTPStatus(status).phrase}",
            "",
            "| Code | Meaning |",
            "| --- | --- |",
        ]
        lines += [
            f"| `{cls.code}`<br><small>`{cls.type}`</small> | {_meaning(cls)}<br>"
            f"<small>`{cls.__module__}.{cls.__qualname__}`</small> |"
            for cls in group
        ]
        lines.append("")
    by_classes = {(cls.status_code, cls.code) for cls in classes}
    lines += [
        "## Answers of the error handler itself",
        "",
        "Unknown routes and methods and unexpected failures are answered by the one error "
        "handler (`shared/errors.py`), not by an error class:",
        "",
        "| HTTP | Code | Meaning |",
        "| --- | --- | --- |",
    ]
    lines += [
        f"| {status} | `{code}`<br><small>`{type_}`</small> | {_cell(meaning)} |"
        for status, type_, code, meaning in handler_errors(by_classes)
    ]
    return "\n".join(lines) + "\n"


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """MkDocs hook: adds the generated page to the site."""
    files.append(File.generated(config, PAGE, content=render()))
    return files


if __name__ == "__main__":
    sys.stdout.write(render())
