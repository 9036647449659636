"""Each service's part of the API's OpenAPI document, in the API's own terms.

FastAPI describes a route from its code: parameters, bodies and answers come from the same
models that parse and serialize them, so the document cannot drift from what the route does.
What FastAPI cannot know is added here: errors answer 400 with the API's error body (not
FastAPI's 422 and its own shape), a route with an id in its path can answer 404, and a route
names the other errors it raises with `responses=errors(PaymentNotFound, …)`, each code with
its own example. The gateway merges every service's document into one (gateway/openapi.py).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from shared.errors import ExpeError, InvalidRequest, ResourceNotFound
from shared.idempotency import HEADER, IdempotencyKeyInUse, IdempotencyKeyReused, IdempotentRoute
from shared.schemas import Schema

API_VERSION = "1.0.0"
ERROR_SCHEMA = "ErrorBody"
_ERROR_REF = {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class ErrorDetail(Schema):
    type: str
    code: str
    message: str
    param: str | None = None
    request_id: str | None = None


class ErrorBody(Schema):
    """Every error the API answers, whatever its status."""

    error: ErrorDetail


class ParameterMissing(InvalidRequest):
    """A required parameter (in the path, the query, a header or the body) is missing."""

    code = "parameter_missing"


class ParameterInvalid(InvalidRequest):
    """A parameter has the wrong type, format or range; `param` names it."""

    code = "parameter_invalid"


class InvalidJson(InvalidRequest):
    """The request body is not valid JSON."""

    code = "invalid_json"


class BodyNotJson(InvalidRequest):
    """The request body is not JSON (a form, as `curl -d` sends, or plain text): send a JSON
    object with `Content-Type: application/json`."""

    code = "body_not_json"


def summary_of(error: type[ExpeError]) -> str:
    return " ".join((error.__doc__ or error.code).split())


# Every error code's example, shared by every answer that can carry it (as a reference, so the
# document holds each once).
_EXAMPLES: dict[str, dict[str, Any]] = {}


def example_of(error: type[ExpeError]) -> dict[str, Any]:
    return {
        "summary": error.code,
        "description": summary_of(error),
        "value": {
            "error": {
                "type": error.type,
                "code": error.code,
                "message": summary_of(error),
                "param": None,
                "requestId": "req_3hK9dPqN1zXcVb7LmT2wQe",
            }
        },
    }


def example_name(error: type[ExpeError]) -> str:
    """Unique per meaning: one code may come in two types (`insufficient_funds` for a card and
    for a wallet)."""
    return f"{error.type}.{error.code}"


def _example_ref(error: type[ExpeError]) -> dict[str, str]:
    _EXAMPLES.setdefault(example_name(error), example_of(error))
    return {"$ref": f"#/components/examples/{example_name(error)}"}


def _line(code: str, summary: str) -> str:
    """One code in an answer's description, a Markdown list item."""
    return f"- `{code}`: {summary}"


def error_response(classes: list[type[ExpeError]]) -> dict[str, Any]:
    """One status's answer: the error body, with an example per code."""
    unique = list(dict.fromkeys(classes))
    return {
        "description": "\n".join(_line(error.code, summary_of(error)) for error in unique),
        "content": {
            "application/json": {
                "schema": _ERROR_REF,
                "examples": {example_name(error): _example_ref(error) for error in unique},
            }
        },
    }


def add_examples(document: dict[str, Any]) -> None:
    """Puts the example of every error code the document's answers refer to in its components."""
    examples = document.setdefault("components", {}).setdefault("examples", {})
    for operation in operations(document):
        for answer in operation.get("responses", {}).values():
            content = answer.get("content", {}).get("application/json", {})
            for name in content.get("examples", {}):
                if name in _EXAMPLES:
                    examples.setdefault(name, _EXAMPLES[name])


def errors(*classes: type[ExpeError]) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route that can raise `classes` (beyond what every route can)."""
    by_status: dict[int, list[type[ExpeError]]] = defaultdict(list)
    for error in classes:
        by_status[error.status_code].append(error)
    return {status: error_response(found) for status, found in by_status.items()}


def add_answer(responses: dict[str, Any], status: int | str, answer: dict[str, Any]) -> None:
    """Adds an error answer to an operation's, merging its codes into one already there."""
    existing = responses.get(str(status))
    if existing is None:
        responses[str(status)] = answer
        return
    examples = existing.setdefault("content", {}).setdefault("application/json", {})
    examples.setdefault("schema", _ERROR_REF)
    known = examples.setdefault("examples", {})
    for name, example in answer["content"]["application/json"]["examples"].items():
        if name not in known:
            known[name] = example
            added = _EXAMPLES.get(name, {})
            line = _line(added.get("summary", name), added.get("description", ""))
            existing["description"] = "\n".join(
                part for part in (existing.get("description"), line) if part
            )


def add_errors(responses: dict[str, Any], classes: list[type[ExpeError]]) -> None:
    for status, answer in errors(*classes).items():
        add_answer(responses, status, answer)


def operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        operation
        for item in document.get("paths", {}).values()
        for method, operation in item.items()
        if method in _METHODS
    ]


IDEMPOTENCY_KEY = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": (
        "Makes the request safe to retry: the same key and body within 24 hours answers the "
        "first response again, with `Idempotent-Replayed: true`. Send a new random key "
        "(a UUID) for every new operation, and the same one when you retry it."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}


def rename_schemas(document: dict[str, Any], renames: Mapping[str, str]) -> dict[str, Any]:
    """The document with schemas renamed, and every reference to them."""
    if not renames:
        return document
    text = json.dumps(document)
    for old, new in renames.items():
        text = text.replace(f'"#/components/schemas/{old}"', f'"#/components/schemas/{new}"')
    renamed: dict[str, Any] = json.loads(text)
    schemas = renamed.get("components", {}).get("schemas", {})
    renamed.setdefault("components", {})["schemas"] = {
        renames.get(name, name): schema for name, schema in schemas.items()
    }
    return renamed


# pydantic names a generic model after its parameter: `Page[Payment]` becomes `Page_Payment_`.
_GENERIC_PAGE = re.compile(r"^Page_(\w+)_$")


def _page_names(document: dict[str, Any]) -> dict[str, str]:
    return {
        name: f"{match.group(1)}Page"
        for name in document.get("components", {}).get("schemas", {})
        if (match := _GENERIC_PAGE.match(name))
    }


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() for part in rest)


def _route_names(app: FastAPI) -> dict[tuple[str, str], str]:
    """Each operation's name, from its function (`create_payment` → `createPayment`) unless the
    route names it, for operation ids a generated client can call as methods."""
    return {
        (str(context.path_format), method.lower()): context.operation_id
        or _camel(str(context.name))
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        for method in context.methods or ()
    }


def _idempotent_operations(app: FastAPI) -> set[tuple[str, str]]:
    return {
        (str(context.path_format), "post")
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, IdempotentRoute) and "POST" in (context.methods or ())
    }


def document_of(app: FastAPI) -> dict[str, Any]:
    """The app's routes as the API answers them (see the module's docstring)."""
    document = get_openapi(
        title=app.title, version=API_VERSION, routes=app.routes, description=app.description
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    error_schema = ErrorBody.model_json_schema(
        by_alias=True, ref_template="#/components/schemas/{model}"
    )
    schemas.update(error_schema.pop("$defs"))
    schemas[ERROR_SCHEMA] = error_schema
    idempotent = _idempotent_operations(app)
    names = _route_names(app)
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            operation["operationId"] = names.get((path, method), operation.get("operationId"))
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            implied: list[type[ExpeError]] = []
            if (path, method) in idempotent:
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == HEADER for p in parameters):
                    parameters.append(IDEMPOTENCY_KEY)
                implied.extend((IdempotencyKeyReused, IdempotencyKeyInUse))
            if operation.get("parameters") or operation.get("requestBody"):
                implied.extend((ParameterInvalid, ParameterMissing))
            if operation.get("requestBody"):
                implied.extend((InvalidJson, BodyNotJson))
            if "{" in path:
                implied.append(ResourceNotFound)
            add_errors(responses, implied)
    add_examples(document)
    return rename_schemas(document, _page_names(document))


def install_openapi(app: FastAPI) -> None:
    """Serves `document_of(app)` at the app's `/openapi.json`."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_of(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
