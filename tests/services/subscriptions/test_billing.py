"""Subscriptions on a test clock: each period charged once on its saved card, dunning on the
plan's schedule to past due and then canceled or unpaid, a recovery by a new card, cancels,
pauses and plan changes with proration; billed the same however the clock is advanced."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from tests.callers import secret_key
from tests.services.payments.conftest import error_code
from tests.services.subscriptions.conftest import DECLINES, Api, Mesh

pytestmark = pytest.mark.infra

# The last day of a month: later periods end on the last day of shorter months, not earlier.
START = datetime(2027, 1, 31, 9, 30, tzinfo=UTC)


def at(text: str) -> str:
    """A time as the API writes it."""
    return f"{text}.000Z"


def test_a_subscription_charges_its_first_period_at_once_and_each_renewal_once(
    service: Mesh,
) -> None:
    api = service.api()
    plan = api.plan()
    subscription = api.subscribe(plan, clock=START)
    assert subscription["status"] == "active"
    assert subscription["currentPeriodStart"] == at("2027-01-31T09:30:00")
    assert subscription["currentPeriodEnd"] == at("2027-02-28T09:30:00")
    assert subscription["testClock"] == {"frozenTime": at("2027-01-31T09:30:00")}

    renewed = api.advance(subscription, START + timedelta(days=60))
    assert renewed["status"] == "active"
    assert (renewed["currentPeriodStart"], renewed["currentPeriodEnd"]) == (
        at("2027-03-31T09:30:00"),
        at("2027-04-30T09:30:00"),
    )
    invoices = api.invoices(subscription)
    assert [(i["number"], i["status"], i["amount"]) for i in invoices] == [
        (1, "paid", 49_900),
        (2, "paid", 49_900),
        (3, "paid", 49_900),
    ]
    charges = service.charges(subscription)
    assert [(c["status"], c["amount"], c["method"]) for c in charges] == [
        ("succeeded", 49_900, "card")
    ] * 3
    assert [c["orderId"] for c in charges] == [i["id"] for i in invoices]


def test_advancing_the_clock_at_once_from_many_callers_charges_each_period_once(
    service: Mesh,
) -> None:
    api = service.api()
    subscription = api.subscribe(api.plan(interval="week"), clock=START)
    path = f"/api/v1/subscriptions/{subscription['id']}/test-clock/advance"
    targets = [START + timedelta(days=days) for days in (8, 15, 22, 29, 29, 29, 22, 15)]

    def advance(to: datetime) -> int:
        return api.post(path, {"frozenTime": to.isoformat()}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(advance, targets))
    # Each call either moved the clock on or found it further already.
    assert set(codes) <= {200, 400, 409}, codes
    api.advance(subscription, START + timedelta(days=29, hours=1))
    invoices = api.invoices(subscription)
    assert [i["number"] for i in invoices] == [1, 2, 3, 4, 5]
    charges = service.charges(subscription)
    assert len(charges) == 5 and {c["status"] for c in charges} == {"succeeded"}


def test_a_declined_first_charge_leaves_the_subscription_incomplete(service: Mesh) -> None:
    api = service.api()
    subscription = api.subscribe(api.plan(), card=api.card(DECLINES), clock=START)
    assert subscription["status"] == "incomplete"
    (invoice,) = api.invoices(subscription)
    assert invoice["status"] == "void"
    assert invoice["attempts"][0]["failureCode"] == "card_declined"
    later = api.advance(subscription, START + timedelta(days=40))
    assert later["status"] == "incomplete" and len(service.charges(subscription)) == 1


def test_a_renewal_declined_goes_past_due_retries_on_schedule_then_cancels(
    service: Mesh,
) -> None:
    api = service.api()
    plan = api.plan(trialDays=14)
    subscription = api.subscribe(plan, card=api.card(DECLINES), clock=START)
    assert (subscription["status"], subscription["trialEnd"]) == (
        "trialing",
        at("2027-02-14T09:30:00"),
    )
    assert service.charges(subscription) == []

    past_due = api.advance(subscription, START + timedelta(days=14, hours=1))
    assert past_due["status"] == "past_due"
    assert past_due["dunning"]["attempt"] == 1
    assert past_due["dunning"]["nextAttemptAt"] == at("2027-02-15T09:30:00")

    # Retries 1, 3 and 5 days after the failure, all declined; the fourth (day 7) is the last.
    still = api.advance(subscription, START + timedelta(days=14 + 6))
    assert still["status"] == "past_due"
    assert still["dunning"]["attempt"] == 4
    assert still["dunning"]["nextAttemptAt"] == at("2027-02-21T09:30:00")

    ended = api.advance(subscription, START + timedelta(days=14 + 8))
    assert (ended["status"], ended["canceledAt"]) == ("canceled", at("2027-02-21T09:30:00"))
    (invoice,) = api.invoices(subscription)
    assert invoice["status"] == "uncollectible"
    assert [a["at"] for a in invoice["attempts"]] == [
        at(f"2027-02-{day}T09:30:00") for day in (14, 15, 17, 19, 21)
    ]
    assert len(service.charges(subscription)) == 5


def test_dunning_follows_the_plans_own_schedule_and_may_end_unpaid(service: Mesh) -> None:
    api = service.api()
    plan = api.plan(trialDays=1, retryDays=[2], finalStatus="unpaid")
    subscription = api.subscribe(plan, card=api.card(DECLINES), clock=START)
    ended = api.advance(subscription, START + timedelta(days=10))
    assert ended["status"] == "unpaid" and ended["canceledAt"] is None
    assert len(service.charges(subscription)) == 2
    # Nothing more is ever charged.
    api.advance(subscription, START + timedelta(days=60))
    assert len(service.charges(subscription)) == 2


def test_a_new_card_recovers_a_past_due_subscription_at_the_next_retry(service: Mesh) -> None:
    api = service.api()
    subscription = api.subscribe(api.plan(trialDays=7), card=api.card(DECLINES), clock=START)
    api.advance(subscription, START + timedelta(days=7, hours=1))
    changed = api.act(subscription, "payment-method", {"paymentMethodId": api.card()})
    assert changed.status_code == 200, changed.text
    recovered = api.advance(subscription, START + timedelta(days=8, hours=1))
    assert (recovered["status"], recovered["dunning"]) == ("active", None)
    # The period that began unpaid runs on from the trial's end.
    assert recovered["currentPeriodEnd"] == at("2027-03-07T09:30:00")
    (invoice,) = api.invoices(subscription)
    assert invoice["status"] == "paid"
    assert [a["status"] for a in invoice["attempts"]] == ["failed", "succeeded"]


def test_cancel_at_period_end_bills_nothing_more(service: Mesh) -> None:
    api = service.api()
    subscription = api.subscribe(api.plan(), clock=START)
    response = api.act(subscription, "cancel", {"atPeriodEnd": True})
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["cancelAtPeriodEnd"]) == ("active", True)
    ended = api.advance(subscription, START + timedelta(days=45))
    assert (ended["status"], ended["canceledAt"]) == ("canceled", at("2027-02-28T09:30:00"))
    assert len(service.charges(subscription)) == 1
    again = api.act(subscription, "cancel", {})
    assert error_code(again) == (409, "subscription_state_conflict")


def test_a_paused_subscription_is_not_billed_and_resumes_on_a_new_cycle(service: Mesh) -> None:
    api = service.api()
    subscription = api.subscribe(api.plan(), clock=START)
    paused = api.act(subscription, "pause")
    assert paused.status_code == 200 and paused.json()["status"] == "paused"
    api.advance(subscription, START + timedelta(days=75))
    assert len(service.charges(subscription)) == 1
    resumed = api.act(subscription, "resume")
    assert resumed.status_code == 200, resumed.text
    # The paused time is not billed: a period starts at the resume, charged at once.
    body = resumed.json()
    assert (body["status"], body["currentPeriodStart"], body["currentPeriodEnd"]) == (
        "active",
        at("2027-04-16T09:30:00"),
        at("2027-05-16T09:30:00"),
    )
    assert len(service.charges(subscription)) == 2


def test_an_upgrade_charges_the_prorated_difference_and_a_downgrade_leaves_credit(
    service: Mesh,
) -> None:
    api = service.api()
    basic = api.plan(name="Basic", amount=30_000, interval="day", intervalCount=30)
    pro = api.plan(name="Pro", amount=90_000, interval="day", intervalCount=30)
    subscription = api.subscribe(basic, clock=START)
    # A third of the 30-day period gone: two thirds of each price remain.
    api.advance(subscription, START + timedelta(days=10))
    upgraded = api.act(subscription, "change-plan", {"planId": pro["id"]})
    assert upgraded.status_code == 200, upgraded.text
    assert upgraded.json()["plan"]["name"] == "Pro"
    proration = api.invoices(subscription)[-1]
    assert (proration["number"], proration["amount"], proration["status"]) == (0, 40_000, "paid")
    assert [line["amount"] for line in proration["lines"]] == [-20_000, 60_000]

    # Back to Basic with half the period left: 45,000 unused less 15,000 is credit.
    api.advance(subscription, START + timedelta(days=15))
    downgraded = api.act(subscription, "change-plan", {"planId": basic["id"]})
    assert downgraded.status_code == 200, downgraded.text
    assert downgraded.json()["creditBalance"] == 30_000
    renewed = api.advance(subscription, START + timedelta(days=31))
    assert renewed["creditBalance"] == 0
    renewal = api.invoices(subscription)[-1]
    assert (renewal["number"], renewal["amount"]) == (2, 0)
    assert renewal["status"] == "paid" and renewal["attempts"] == []
    assert [c["amount"] for c in service.charges(subscription)] == [30_000, 40_000]


def test_a_declined_proration_leaves_the_plan_unchanged(service: Mesh) -> None:
    api = service.api()
    basic = api.plan(name="Basic", amount=30_000)
    pro = api.plan(name="Pro", amount=90_000)
    subscription = api.subscribe(basic, clock=START)
    # The card on file now declines; the upgrade's charge is refused and nothing changes.
    declined_card = api.card(DECLINES)
    assert api.act(subscription, "payment-method", {"paymentMethodId": declined_card}).is_success
    api.advance(subscription, START + timedelta(days=3))
    refused = api.act(subscription, "change-plan", {"planId": pro["id"]})
    assert error_code(refused) == (402, "card_declined")
    current = api.get(f"/api/v1/subscriptions/{subscription['id']}").json()
    assert (current["planId"], current["plan"]["amount"]) == (basic["id"], 30_000)


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"amount": 0}, "amount"),
        ({"interval": "fortnight"}, "interval"),
        ({"currency": "XYZ"}, "currency"),
        ({"retryDays": [3, 1]}, "retryDays"),
        ({"intervalCount": 0}, "intervalCount"),
    ],
)
def test_a_plan_with_wrong_terms_is_refused_clearly(
    service: Mesh, body: dict[str, object], param: str
) -> None:
    api = service.api()
    plan = {"name": "Pro", "amount": 100, "currency": "INR", "interval": "month", **body}
    response = api.post("/api/v1/plans", plan)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["param"] == param
    assert api.get("/api/v1/plans").json()["total"] == 0


def test_refusals_name_what_is_wrong(service: Mesh) -> None:
    api = service.api()
    plan = api.plan()
    other_merchant = service.api("mer_someoneelse000000000000")
    stolen = other_merchant.post(
        "/api/v1/subscriptions",
        {"planId": plan["id"], "customer": {"email": "a@b.co"}, "paymentMethodId": api.card()},
    )
    assert error_code(stolen) == (404, "plan_not_found")
    foreign_card = other_merchant.card()
    response = api.post(
        "/api/v1/subscriptions",
        {"planId": plan["id"], "customer": {"email": "a@b.co"}, "paymentMethodId": foreign_card},
    )
    assert error_code(response) == (404, "payment_method_not_found")
    real_clock = api.subscribe(plan)
    refused = api.act(real_clock, "test-clock/advance", {"frozenTime": "2030-01-01T00:00:00Z"})
    assert error_code(refused) == (400, "test_clock_refused")
    on_clock = api.subscribe(plan, clock=START)
    backwards = api.act(on_clock, "test-clock/advance", {"frozenTime": "2027-01-01T00:00:00Z"})
    assert error_code(backwards) == (400, "test_clock_refused")
    too_far = api.act(on_clock, "test-clock/advance", {"frozenTime": "2029-06-01T00:00:00Z"})
    assert error_code(too_far) == (400, "test_clock_refused")
    live = Api(service.url, secret_key(service.merchant_id, "live"))
    assert error_code(live.get(f"/api/v1/subscriptions/{on_clock['id']}")) == (
        404,
        "subscription_not_found",
    )
