"""Clients generated from the OpenAPI document build in every language `make openapi-clients`
writes, with the toolchain a developer of that language has, and read what the API sends."""

from __future__ import annotations

import importlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from devstack.profile import REPO
from services.payments.schemas import Payment
from tests.codegen.conftest import CONFIGS, run_tool

TSC = REPO / "web" / "node_modules" / ".bin" / "tsc"

# What a TypeScript integration writes against the client: strict mode must accept it.
TYPESCRIPT_USAGE = """\
import {
  Configuration,
  ErrorBodyFromJSON,
  PaymentsApi,
  type PaymentCreate,
} from "./typescript-fetch/src";

const configuration = new Configuration({
  basePath: "http://127.0.0.1:8000",
  accessToken: "sk_test_example",
});
export const payments = new PaymentsApi(configuration);
export const order: PaymentCreate = { amount: 49900, currency: "INR", orderId: "order-5001" };
export const code: string = ErrorBodyFromJSON({ error: { type: "t", code: "c", message: "m" } })
  .error.code;
"""
TYPESCRIPT_CHECK = {
    "compilerOptions": {
        "strict": True,
        "noEmit": True,
        "target": "es2020",
        "lib": ["es2020", "dom"],
        "module": "esnext",
        "moduleResolution": "bundler",
    },
    "files": ["usage.ts"],
}


def test_every_configured_client_is_checked_here() -> None:
    assert {config.stem for config in CONFIGS.glob("*.yaml")} == {
        "typescript-fetch",
        "python",
        "go",
        "java",
    }


def test_typescript_client_compiles_in_strict_mode(clients: Path) -> None:
    (clients / "usage.ts").write_text(TYPESCRIPT_USAGE)
    (clients / "tsconfig.json").write_text(json.dumps(TYPESCRIPT_CHECK))
    run_tool([TSC, "-p", "tsconfig.json"], cwd=clients)


def test_python_client_reads_and_writes_what_the_api_does(
    clients: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(clients / "python"))
    models = importlib.import_module("expe_openapi.models")
    client = importlib.import_module("expe_openapi")
    document = json.loads((clients / "openapi.json").read_text())

    # Every error body the document shows, read and written back unchanged.
    examples = document["components"]["examples"]
    assert examples
    for example in examples.values():
        assert models.ErrorBody.from_dict(example["value"]).to_dict() == example["value"]

    # A request body goes out in the API's camelCase.
    order = models.PaymentCreate(amount=49900, currency="INR", order_id="order-5001")
    assert json.loads(order.to_json()) == {
        "amount": 49900,
        "currency": "INR",
        "orderId": "order-5001",
    }

    # A payment as the payments service answers it, read by the generated model.
    created = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
    answer = Payment(
        id="pay_1",
        merchant_id="mer_1",
        mode="test",
        status="succeeded",
        amount=49900,
        currency="INR",
        order_id="order-5001",
        allowed_methods=["card"],
        method="card",
        checkout_url="http://127.0.0.1:8000/checkout/pay_1",
        qr_payload="upi://pay?tr=pay_1",
        expires_at=created,
        created_at=created,
        updated_at=created,
    ).model_dump_json(by_alias=True)
    payment = models.Payment.from_json(answer)
    assert (payment.id, payment.status, payment.amount, payment.method) == (
        "pay_1",
        "succeeded",
        49900,
        "card",
    )
    assert payment.created_at == created

    configuration = client.Configuration(host="http://127.0.0.1:8000", access_token="sk_test_x")
    assert (
        client.PaymentsApi(client.ApiClient(configuration)).api_client.configuration
        is configuration
    )


def test_go_client_builds(clients: Path) -> None:
    run_tool(["go", "build", "./..."], cwd=clients / "go")


def test_java_client_compiles(clients: Path) -> None:
    run_tool(
        ["mvn", "-B", "-q", "-Dstyle.color=never", "-DskipTests", "compile"], cwd=clients / "java"
    )
