"""The hosted checkout: a payment opens with its own client secret, and shows only what the
customer paying it needs."""

from __future__ import annotations

import pytest

from tests.callers import member, publishable_key, secret_key
from tests.services.payments.conftest import Service, error_code
from tests.signing import ANONYMOUS

pytestmark = pytest.mark.infra

CARD = {"number": "4242424242424242", "expMonth": 12, "expYear": 2099, "cvc": "123"}


def test_the_client_secret_opens_its_payment_for_anyone_holding_the_link(
    payments: Service,
) -> None:
    api = payments.api()
    payment = api.create(
        amount=4_200,
        description="Masala chai",
        customer={"email": "buyer@example.com"},
        metadata={"cart": "c_9"},
        returnUrl="https://shop.example.com/orders/9?from=expe",
    )
    browser = api.opening(payment)
    path = f"/api/v1/checkout/payments/{payment['id']}"

    view = browser.get(path)
    paid = browser.post(f"{path}/confirm", {"method": "card", "card": CARD})

    assert view.status_code == 200, view.text
    shown = view.json()
    assert (shown["amount"], shown["currency"], shown["status"]) == (4_200, "INR", "created")
    assert (shown["description"], shown["mode"]) == ("Masala chai", "test")
    assert shown["merchant"]["id"] == payments.merchant_id
    assert shown["returnUrl"] == "https://shop.example.com/orders/9?from=expe"
    # Neither the merchant's notes nor the customer's details reach the page.
    assert not {"metadata", "customer", "clientSecret", "checkoutUrl"} & shown.keys()
    assert paid.status_code == 200, paid.text
    assert (paid.json()["status"], paid.json()["method"]) == ("succeeded", "card")
    assert not {"metadata", "customer", "card"} & paid.json().keys()
    history = api.get(f"{path.replace('/checkout', '')}/history").json()["data"]
    assert history[1]["actor"] == {"type": "customer", "id": None}


def test_without_the_right_secret_nobody_reads_or_pays_a_payment(payments: Service) -> None:
    api = payments.api()
    payment, other = api.create(), api.create()
    path = f"/api/v1/checkout/payments/{payment['id']}"
    no_secret = api.as_(ANONYMOUS)
    guessed = api.opening({**payment, "clientSecret": payment["clientSecret"][:-2] + "xx"})
    borrowed = api.opening({**payment, "clientSecret": other["clientSecret"]})
    publishable_alone = api.as_(publishable_key(payments.merchant_id))
    elsewhere = api.opening(payment, publishable_key("mer_someoneelse"))
    live_key = api.opening(payment, publishable_key(payments.merchant_id, "live"))

    assert error_code(no_secret.get(path)) == (401, "client_secret_required")
    assert error_code(publishable_alone.get(path)) == (401, "client_secret_required")
    for caller in (guessed, borrowed, elsewhere, live_key):
        assert error_code(caller.get(path)) == (404, "payment_not_found")
        confirm = caller.post(f"{path}/confirm", {"method": "card", "card": CARD})
        assert error_code(confirm) == (404, "payment_not_found")
    unknown = api.opening({"id": "pay_nope", "clientSecret": payment["clientSecret"]})
    assert error_code(unknown.get("/api/v1/checkout/payments/pay_nope")) == (
        404,
        "payment_not_found",
    )
    assert api.get(f"/api/v1/payments/{payment['id']}").json()["status"] == "created"


def test_the_merchants_own_server_and_team_need_no_client_secret(payments: Service) -> None:
    api = payments.api()
    payment = api.create()
    path = f"/api/v1/checkout/payments/{payment['id']}"
    developer = api.as_(member(payments.merchant_id, "developer"))
    viewer = api.as_(member(payments.merchant_id, "viewer"))
    other_key = api.as_(secret_key("mer_someoneelse"))

    assert api.get(path).status_code == 200
    assert developer.get(path).status_code == 200
    # A viewer sees the page as the customer will, but cannot pay on it.
    assert viewer.get(path).status_code == 200
    assert error_code(viewer.post(f"{path}/confirm", {"method": "card", "card": CARD})) == (
        403,
        "permission_denied",
    )
    assert error_code(other_key.get(path)) == (404, "payment_not_found")
    # The merchant's side gets the whole payment back from a confirm.
    assert developer.confirm_card(payment["id"]).json()["card"]["last4"] == "4242"


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "ftp://shop.example.com", "https://user@evil.example", "shop.example"],
)
def test_a_return_url_must_be_a_plain_web_address(payments: Service, url: str) -> None:
    body = {"amount": 100, "currency": "INR", "orderId": "o-1", "returnUrl": url}
    refused = payments.api().post("/api/v1/payments", body)
    assert error_code(refused) == (400, "parameter_invalid")
    assert payments.api().get("/api/v1/payments").json()["total"] == 0
