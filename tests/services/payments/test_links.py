"""Payment links on the payments service: made by a merchant, paid by whoever opens them, a
one-time link paid once however many customers press Pay at once."""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.services.payments.conftest import PUBLIC_URL, Api, Service, error_code
from tests.signing import ANONYMOUS

pytestmark = pytest.mark.infra


def make_link(api: Api, **fields: Any) -> dict[str, Any]:
    body = {"currency": "INR", "description": "Yoga class", "amount": 49_900, **fields}
    body = {key: value for key, value in body.items() if value is not None}
    response = api.post("/api/v1/payment-links", body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def press_pay(
    api: Api, link: dict[str, Any], amount: int | None = None, key: str | None = None
) -> Any:
    """The customer's browser pressing Pay on the link's public page."""
    headers = {"Idempotency-Key": key or secrets.token_hex(8)}
    body = {} if amount is None else {"amount": amount}
    customer = api.as_(ANONYMOUS)
    return customer.post(f"/api/v1/checkout/links/{link['slug']}/payments", body, headers=headers)


def pay_by_card(api: Api, started: dict[str, Any], number: str = "4242424242424242") -> Any:
    payment_id = started["paymentId"]
    secret = started["checkoutUrl"].split("#", 1)[1]
    customer = api.opening({"clientSecret": secret})
    return customer.confirm_card(payment_id, number)


def test_a_link_is_made_with_its_public_url_and_shown_to_the_customer(payments: Service) -> None:
    api = payments.api()
    link = make_link(api, metadata={"course": "c-10"})
    assert link["id"].startswith("plink_")
    assert link["url"] == f"{PUBLIC_URL}/pay/{link['slug']}"
    assert (link["status"], link["reusable"], link["maxUses"]) == ("active", False, None)
    shown = api.as_(ANONYMOUS).get(f"/api/v1/checkout/links/{link['slug']}")
    assert shown.status_code == 200, shown.text
    page = shown.json()
    assert (page["description"], page["amount"], page["currency"]) == ("Yoga class", 49_900, "INR")
    assert page["status"] == "active" and "merchantId" not in page
    assert api.get(f"/api/v1/payment-links/{link['id']}").json()["stats"]["views"] == 1


def test_paying_a_link_goes_through_the_hosted_checkout_and_counts_in_its_stats(
    payments: Service,
) -> None:
    api = payments.api()
    link = make_link(api)
    api.as_(ANONYMOUS).get(f"/api/v1/checkout/links/{link['slug']}")
    api.as_(ANONYMOUS).get(f"/api/v1/checkout/links/{link['slug']}")
    started = press_pay(api, link)
    assert started.status_code == 201, started.text
    assert started.json()["checkoutUrl"].startswith(f"{PUBLIC_URL}/checkout/pay_")
    paid = pay_by_card(api, started.json())
    assert paid.status_code == 200, paid.text
    payment = api.get(f"/api/v1/payments/{started.json()['paymentId']}").json()
    assert (payment["status"], payment["amount"]) == ("succeeded", 49_900)
    assert payment["paymentLinkId"] == link["id"]
    after = api.get(f"/api/v1/payment-links/{link['id']}").json()
    assert after["status"] == "completed"
    assert after["stats"] == {
        "views": 2,
        "paymentsStarted": 1,
        "paid": 1,
        "conversion": 0.5,
        "revenue": 49_900,
    }
    assert error_code(press_pay(api, link)) == (409, "payment_link_used")
    # A visit to the paid link shows it paid, and is no view of a link one could pay.
    shown = api.as_(ANONYMOUS).get(f"/api/v1/checkout/links/{link['slug']}").json()
    assert shown["status"] == "completed"
    assert api.get(f"/api/v1/payment-links/{link['id']}").json()["stats"]["views"] == 2
    made = api.get("/api/v1/payments", params={"paymentLinkId": link["id"]}).json()
    assert [p["id"] for p in made["data"]] == [payment["id"]]


def card_number(n: int) -> str:
    """A Luhn-valid sandbox card of its own for customer `n` (any such number succeeds)."""
    body = f"424242{n:09d}"
    digits = [int(d) for d in reversed(body)]
    total = sum(d if i % 2 else (d * 2 if d * 2 < 10 else d * 2 - 9) for i, d in enumerate(digits))
    return body + str((10 - total % 10) % 10)


def test_a_one_time_link_is_paid_once_by_many_customers_at_once(payments: Service) -> None:
    api = payments.api()
    link = make_link(api)

    def customer(n: int) -> tuple[int, str | None]:
        started = press_pay(api, link)
        if started.status_code != 201:
            return started.status_code, started.json()["error"]["code"]
        paid = pay_by_card(api, started.json(), card_number(n))
        return paid.status_code, started.json()["paymentId"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(customer, range(16)))
    succeeded = [payment for status, payment in outcomes if status == 200]
    assert len(succeeded) == 1, outcomes
    # The others were refused: the payment was being paid, or was paid already.
    assert {status for status, _ in outcomes} <= {200, 409}
    paid = api.get(
        "/api/v1/payments", params={"paymentLinkId": link["id"], "status": "succeeded"}
    ).json()
    assert paid["total"] == 1
    assert api.get(f"/api/v1/payment-links/{link['id']}").json()["stats"]["paid"] == 1


def test_customers_pressing_pay_on_a_one_time_link_share_its_open_payment(
    payments: Service,
) -> None:
    api = payments.api()
    link = make_link(api)
    first, second = press_pay(api, link), press_pay(api, link)
    assert first.json()["paymentId"] == second.json()["paymentId"]


def test_a_declined_card_leaves_a_one_time_link_payable(payments: Service) -> None:
    api = payments.api()
    link = make_link(api)
    declined = press_pay(api, link)
    assert pay_by_card(api, declined.json(), "4000000000000002").status_code == 402
    again = press_pay(api, link)
    assert again.status_code == 201
    assert again.json()["paymentId"] != declined.json()["paymentId"]
    assert pay_by_card(api, again.json()).status_code == 200
    assert error_code(press_pay(api, link)) == (409, "payment_link_used")


def test_a_reusable_link_takes_at_most_its_uses(payments: Service) -> None:
    api = payments.api()
    link = make_link(api, reusable=True, maxUses=2)
    first, second = press_pay(api, link), press_pay(api, link)
    assert first.json()["paymentId"] != second.json()["paymentId"]
    assert pay_by_card(api, first.json()).status_code == 200
    assert pay_by_card(api, second.json()).status_code == 200
    assert error_code(press_pay(api, link)) == (409, "payment_link_used")
    assert api.get(f"/api/v1/payment-links/{link['id']}").json()["stats"]["revenue"] == 99_800


def test_a_reusable_link_without_a_limit_gives_each_press_its_own_payment(
    payments: Service,
) -> None:
    api = payments.api()
    link = make_link(api, reusable=True)
    pressed = [press_pay(api, link) for _ in range(3)]
    assert len({p.json()["paymentId"] for p in pressed}) == 3
    retried = press_pay(api, link, key="press-1")
    assert press_pay(api, link, key="press-1").json() == retried.json()


def test_a_customer_enters_the_amount_within_the_bounds(payments: Service) -> None:
    api = payments.api()
    link = make_link(api, amount=None, minAmount=100, maxAmount=10_000)
    assert link["amount"] is None
    assert error_code(press_pay(api, link)) == (400, "invalid_request")
    low = press_pay(api, link, amount=99)
    assert error_code(low) == (400, "invalid_request") and low.json()["error"]["param"] == "amount"
    assert error_code(press_pay(api, link, amount=10_001)) == (400, "invalid_request")
    started = press_pay(api, link, amount=2_500)
    assert started.status_code == 201
    payment = api.get(f"/api/v1/payments/{started.json()['paymentId']}").json()
    assert payment["amount"] == 2_500
    # Another amount replaces the open payment of the one-time link: one live payment at most.
    other = press_pay(api, link, amount=3_000)
    assert other.json()["paymentId"] != started.json()["paymentId"]
    replaced = api.get(f"/api/v1/payments/{started.json()['paymentId']}").json()
    assert replaced["status"] == "canceled"
    fixed = make_link(api)
    assert error_code(press_pay(api, fixed, amount=100)) == (400, "invalid_request")


def test_a_deactivated_or_expired_link_takes_no_payment(payments: Service) -> None:
    api = payments.api()
    link = make_link(api)
    deactivated = api.post(f"/api/v1/payment-links/{link['id']}/deactivate")
    assert deactivated.status_code == 200
    assert deactivated.json()["status"] == "inactive" and deactivated.json()["deactivatedAt"]
    assert api.post(f"/api/v1/payment-links/{link['id']}/deactivate").status_code == 200
    assert error_code(press_pay(api, link)) == (409, "payment_link_inactive")
    soon = datetime.now(UTC) + timedelta(seconds=30)
    expiring = make_link(api, expiresAt=soon.isoformat())
    started = press_pay(api, expiring)
    assert started.status_code == 201
    payment = api.get(f"/api/v1/payments/{started.json()['paymentId']}").json()
    assert datetime.fromisoformat(payment["expiresAt"]) <= soon
    payments.db["payment_links"].update_one(
        {"_id": expiring["id"]}, {"$set": {"expiresAt": datetime.now(UTC) - timedelta(days=1)}}
    )
    assert error_code(press_pay(api, expiring)) == (409, "payment_link_expired")
    assert api.get(f"/api/v1/payment-links/{expiring['id']}").json()["status"] == "expired"


@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": 1.5}, "amount"),
        ({"currency": "RUPEES"}, "currency"),
        ({"description": " "}, "description"),
        ({"maxUses": 3}, None),
        ({"amount": 100, "minAmount": 10}, None),
        ({"amount": None, "minAmount": 500, "maxAmount": 100}, None),
        ({"reusable": True, "maxUses": 0}, "maxUses"),
        ({"expiresAt": "2020-01-01T00:00:00Z"}, "expiresAt"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_link_is_refused_with_what_is_wrong(
    payments: Service, fields: dict[str, Any], param: str | None
) -> None:
    api = payments.api()
    body = {"currency": "INR", "description": "Yoga class", "amount": 49_900, **fields}
    body = {key: value for key, value in body.items() if value is not None}
    response = api.post("/api/v1/payment-links", body)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] in {"parameter_invalid", "invalid_request"}
    if param is not None:
        assert response.json()["error"]["param"] == param
    assert payments.db["payment_links"].count_documents({}) == 0


def test_links_are_listed_newest_first_by_status_and_kept_to_their_merchant(
    payments: Service,
) -> None:
    api = payments.api()
    older, newer = make_link(api), make_link(api, description="Second")
    api.post(f"/api/v1/payment-links/{older['id']}/deactivate")
    listed = api.get("/api/v1/payment-links").json()
    assert [link["id"] for link in listed["data"]] == [newer["id"], older["id"]]
    active = api.get("/api/v1/payment-links", params={"status": "active"}).json()
    assert [link["id"] for link in active["data"]] == [newer["id"]]
    inactive = api.get("/api/v1/payment-links", params={"status": "inactive"}).json()
    assert [link["id"] for link in inactive["data"]] == [older["id"]]
    paged = api.get("/api/v1/payment-links", params={"limit": 1}).json()
    assert (paged["total"], paged["hasMore"], len(paged["data"])) == (2, True, 1)
    stranger = Service(payments.url, payments.db, "mer_someoneelse").api()
    assert stranger.get("/api/v1/payment-links").json()["data"] == []
    assert error_code(stranger.get(f"/api/v1/payment-links/{older['id']}")) == (
        404,
        "payment_link_not_found",
    )
    assert error_code(api.as_(ANONYMOUS).get("/api/v1/checkout/links/nope")) == (
        404,
        "payment_link_not_found",
    )


def test_a_link_made_again_with_its_key_is_the_same_link(payments: Service) -> None:
    api = payments.api()
    headers = {"Idempotency-Key": "link-1"}
    body = {"currency": "INR", "description": "Yoga class", "amount": 49_900}
    first = api.post("/api/v1/payment-links", body, headers=headers)
    again = api.post("/api/v1/payment-links", body, headers=headers)
    assert first.json()["id"] == again.json()["id"]
    assert payments.db["payment_links"].count_documents({}) == 1
    events = payments.db["outbox"].count_documents({"topic": "payment_link.created"})
    assert events == 1
