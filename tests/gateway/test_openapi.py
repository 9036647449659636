"""The one OpenAPI document: every public route of every service is in it, routed by the gateway
to the service that describes it, with the credentials, headers and errors a caller meets."""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import TypeAdapter

from devstack.openapi import merged_document
from gateway.access import Audience, audience_of
from gateway.openapi import merge, public_part
from gateway.routing import SERVICES, service_for

METHODS = ("get", "put", "post", "delete", "patch")


def service_app(name: str) -> FastAPI:
    app: FastAPI = importlib.import_module(f"services.{name}.app").create_app()
    return app


@pytest.fixture(scope="module")
def merged() -> dict[str, Any]:
    return merged_document()


def public_routes(name: str) -> set[tuple[str, str]]:
    return {
        (str(context.path_format), method.lower())
        for context in iter_route_contexts(service_app(name).routes)
        if isinstance(context.original_route, APIRoute)
        and context.include_in_schema
        and str(context.path_format).startswith(("/api/v1/", "/.well-known/"))
        for method in context.methods or ()
    }


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


@pytest.mark.parametrize("service", SERVICES)
def test_every_public_route_is_documented_and_forwarded_to_its_service(
    service: str, merged: dict[str, Any]
) -> None:
    routes = public_routes(service)
    documented = {(path, method) for path, method, _ in operations(merged)}
    assert routes <= documented, routes - documented
    # The gateway sends each of them to the service that serves it, not to another.
    assert {path for path, _ in routes if service_for(path) != service} == set()


def test_the_document_holds_nothing_no_service_serves(merged: dict[str, Any]) -> None:
    served = {route for service in SERVICES for route in public_routes(service)}
    gateways_own = {("/api/v1/rate-limits", "get"), ("/api/v1/logs", "get")}
    documented = {(path, method) for path, method, _ in operations(merged)}
    assert len(served) > 60
    assert documented == served | gateways_own


def test_routes_the_gateway_does_not_forward_stay_out(merged: dict[str, Any]) -> None:
    stray = {"paths": {"/internal/v1/holds": {"post": {}}, "/api/v1/wallets": {"get": {}}}}
    assert list(public_part("wallet", stray)["paths"]) == ["/api/v1/wallets"]
    # A path another service owns is not this one's to describe.
    assert list(public_part("payments", stray)["paths"]) == []
    assert not [path for path in merged["paths"] if not path.startswith(("/api/", "/.well-"))]


def test_every_reference_resolves(merged: dict[str, Any]) -> None:
    text = json.dumps(merged)
    for ref in {part.split('"')[0] for part in text.split('"$ref": "#/')[1:]}:
        node: Any = merged
        for key in ref.split("/"):
            assert key in node, f"#/{ref} does not resolve"
            node = node[key]


def test_operations_say_who_may_call_them_and_what_every_answer_carries(
    merged: dict[str, Any],
) -> None:
    for path, method, operation in operations(merged):
        audience = audience_of(method.upper(), path)
        schemes = {name for option in operation["security"] for name in option}
        if audience is Audience.PUBLIC:
            assert operation["security"] == [{}], path
        elif audience is Audience.DASHBOARD:
            assert schemes == {"accessToken"}, path
            assert "401" in operation["responses"] and "403" in operation["responses"], path
        else:
            assert "secretKey" in schemes, path
        assert {"429", "503", "504"} <= set(operation["responses"]), (method, path)
        for status, answer in operation["responses"].items():
            assert {"X-Request-ID", "RateLimit-Remaining"} <= set(answer["headers"]), path
            if status.startswith(("4", "5")):
                body = answer["content"]["application/json"]
                assert body["schema"] == {"$ref": "#/components/schemas/ErrorBody"}, path
                assert body["examples"], (method, path, status)
        validated = operation.get("parameters") or operation.get("requestBody")
        assert ("400" in operation["responses"]) == bool(validated), (method, path)
        if "{" in path:
            assert "404" in operation["responses"], (method, path)


def test_creating_posts_take_an_idempotency_key_and_say_a_replay_is_marked(
    merged: dict[str, Any],
) -> None:
    create = merged["paths"]["/api/v1/payments"]["post"]
    assert "Idempotency-Key" in {p.get("name") for p in create["parameters"]}
    assert "Idempotent-Replayed" in create["responses"]["201"]["headers"]
    assert {"idempotency_key_reused", "idempotency_key_in_use"} <= codes_of(
        create["responses"]["409"]
    )


def test_a_route_lists_its_own_error_codes_beside_the_gateways(merged: dict[str, Any]) -> None:
    login = merged["paths"]["/api/v1/auth/login"]["post"]["responses"]
    assert "invalid_credentials" in codes_of(login["401"])
    refund = merged["paths"]["/api/v1/payments/{payment_id}/refund"]["post"]["responses"]
    codes = {code for answer in refund.values() for code in codes_of(answer)}
    assert {"payment_not_found", "refund_exceeds_captured", "rate_limited"} <= codes


def codes_of(answer: dict[str, Any]) -> set[str]:
    """The error codes an answer's examples show (each named `<type>.<code>`)."""
    examples = answer.get("content", {}).get("application/json", {}).get("examples", {})
    return {name.rpartition(".")[2] for name in examples}


def test_one_code_in_two_types_keeps_both_examples(merged: dict[str, Any]) -> None:
    confirm = merged["paths"]["/api/v1/checkout/payments/{payment_id}/confirm"]["post"]
    declined = confirm["responses"]["402"]["content"]["application/json"]["examples"]
    assert {"card_error.insufficient_funds", "payment_error.insufficient_funds"} <= set(declined)


# The money routes a newcomer tries first: each shows what to send and what comes back.
EXAMPLED = (
    ("post", "/api/v1/payments"),
    ("post", "/api/v1/checkout/payments/{payment_id}/confirm"),
    ("post", "/api/v1/payments/{payment_id}/refund"),
    ("post", "/api/v1/wallets"),
    ("post", "/api/v1/topups"),
    ("post", "/api/v1/transfers"),
    ("post", "/api/v1/webhooks/endpoints"),
    ("post", "/api/v1/webhooks/verify"),
)


def examples_in(content: dict[str, Any]) -> list[Any]:
    media = content.get("application/json", {})
    named = [
        example["value"] for example in media.get("examples", {}).values() if "value" in example
    ]
    return [media["example"], *named] if "example" in media else named


def test_the_money_routes_show_a_request_and_an_answer(merged: dict[str, Any]) -> None:
    for method, path in EXAMPLED:
        operation = merged["paths"][path][method]
        assert examples_in(operation["requestBody"]["content"]), (method, path)
        answers = [s for s, answer in operation["responses"].items() if s.startswith("2")]
        assert any(examples_in(operation["responses"][s].get("content", {})) for s in answers), (
            method,
            path,
        )


@pytest.mark.parametrize("service", SERVICES)
def test_every_public_operation_has_a_summary_of_its_own(service: str) -> None:
    # Not FastAPI's from the function name ("Checkout Payment"): what the operation does.
    unnamed = {
        str(context.path_format)
        for context in iter_route_contexts(service_app(service).routes)
        if isinstance(context.original_route, APIRoute)
        and context.original_route.include_in_schema
        and str(context.path_format).startswith(("/api/v1/", "/.well-known/"))
        and not context.original_route.summary
    }
    assert unnamed == set()


@pytest.mark.parametrize("service", SERVICES)
def test_every_example_is_what_its_route_accepts_or_answers(service: str) -> None:
    # Checked with the very models that parse requests and serialize answers, validators too.
    # (Error examples are references to the shared ones, checked by the error body's schema.)
    for context in iter_route_contexts(service_app(service).routes):
        route = context.original_route
        if not isinstance(route, APIRoute):
            continue
        request = (route.openapi_extra or {}).get("requestBody", {}).get("content", {})
        for value in examples_in(request):
            assert route.body_field is not None, route.path
            body = route.body_field.field_info.annotation
            assert body is not None, route.path
            TypeAdapter(body).validate_python(value)
        for status, answer in route.responses.items():
            model = answer.get("model")
            if model is None and int(status) == (route.status_code or 200):
                model = route.response_model
            for value in examples_in(answer.get("content", {})):
                assert model is not None, (route.path, status)
                adapter = TypeAdapter(model)
                # Exactly what the route would send: no field left out, none the model lacks.
                answered = adapter.dump_python(
                    adapter.validate_python(value), mode="json", by_alias=True
                )
                assert answered == value, (route.path, status)


def test_models_of_the_same_name_from_two_services_both_survive() -> None:
    first = {
        "paths": {
            "/api/v1/payments": {
                "get": {
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Thing"}
                                }
                            }
                        }
                    }
                }
            }
        },
        "components": {"schemas": {"Thing": {"type": "object", "title": "payments"}}},
    }
    second = {
        "paths": {
            "/api/v1/wallets": {
                "get": {
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Thing"}
                                }
                            }
                        }
                    }
                }
            }
        },
        "components": {"schemas": {"Thing": {"type": "object", "title": "wallet"}}},
    }
    merged = merge({"paths": {}}, {"payments": first, "wallet": second})
    schemas = merged["components"]["schemas"]
    assert schemas["Thing"]["title"] == "payments"
    assert schemas["WalletThing"]["title"] == "wallet"
    wallet_answer = merged["paths"]["/api/v1/wallets"]["get"]["responses"]["200"]
    assert wallet_answer["content"]["application/json"]["schema"]["$ref"].endswith("WalletThing")


def test_generators_get_clean_names_and_no_duplicates(merged: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in operations(merged)]
    assert len(ids) == len(set(ids))
    assert {"createPayment", "refundPayment", "createTransfer", "listEndpoints"} <= set(ids)
    for path, method, operation in operations(merged):
        named = [
            (p.get("name"), p.get("in")) for p in operation.get("parameters", []) if "name" in p
        ]
        referenced = [p["$ref"] for p in operation.get("parameters", []) if "$ref" in p]
        headers = {
            merged["components"]["parameters"][r.rpartition("/")[2]]["name"] for r in referenced
        }
        assert len(named) == len(set(named)), (method, path)
        assert not headers & {name for name, _ in named}, (method, path)
    schemas = merged["components"]["schemas"]
    assert "PaymentPage" in schemas and not [name for name in schemas if name.startswith("Page_")]
    # The models of internal routes stay out with them.
    assert not {"Hold", "SweepRequest", "LedgerCheck"} & set(schemas)
    assert merged["info"]["license"]["identifier"] == "Apache-2.0"
