"""Lists, search, the merchant's transactions, CSV export, and expiry by the sweeper."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree import ElementTree

import pytest

from devstack.profile import Profile
from devstack.waiting import wait_until
from services.payments.export import XLSX_MEDIA_TYPE
from tests.callers import secret_key
from tests.services.payments.conftest import Service, error_code, running

pytestmark = pytest.mark.infra


def test_lists_filter_page_and_search(payments: Service) -> None:
    api = payments.api()
    small = api.create(amount=100, orderId="A-1")
    middle = api.create(amount=5_000, orderId="B-2")
    large = api.paid(amount=90_000, orderId="C-3")
    api.as_(secret_key(payments.merchant_id, "live")).create(amount=5_000)

    def ids(**params: object) -> list[str]:
        response = api.get("/api/v1/payments", params=params)
        assert response.status_code == 200, response.text
        return [p["id"] for p in response.json()["data"]]

    first_page = api.get("/api/v1/payments", params={"limit": 2}).json()
    second_page = api.get("/api/v1/payments", params={"limit": 2, "page": 2}).json()
    assert ids() == [large["id"], middle["id"], small["id"]]  # newest first, test mode only
    assert (first_page["total"], first_page["hasMore"], first_page["page"]) == (3, True, 1)
    assert [p["id"] for p in second_page["data"]] == [small["id"]]
    assert second_page["hasMore"] is False
    assert ids(status="succeeded") == [large["id"]]
    assert ids(status=["created", "succeeded"]) == [large["id"], middle["id"], small["id"]]
    assert ids(minAmount=1_000, maxAmount=10_000) == [middle["id"]]
    assert ids(q="B-2") == [middle["id"]]
    assert ids(q=small["id"]) == [small["id"]]
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert ids(**{"from": future}) == []
    assert ids(to=future) == [large["id"], middle["id"], small["id"]]


@pytest.mark.parametrize(
    "params", [{"limit": 101}, {"limit": 0}, {"page": 0}, {"status": "paid"}, {"minAmount": -1}]
)
def test_bad_list_parameters_are_refused(payments: Service, params: dict[str, Any]) -> None:
    response = payments.api().get("/api/v1/payments", params=params)
    assert error_code(response) == (400, "parameter_invalid")


def test_transactions_of_the_callers_merchant_only(payments: Service) -> None:
    api = payments.api()
    payment = api.create()
    mine = api.get(f"/api/v1/merchants/{payments.merchant_id}/transactions")
    theirs = api.get("/api/v1/merchants/mer_other/transactions")
    assert [p["id"] for p in mine.json()["data"]] == [payment["id"]]
    assert (mine.json()["total"], mine.json()["limit"]) == (1, 50)
    assert error_code(theirs) == (404, "merchant_not_found")


def test_csv_export_streams_every_matching_payment(payments: Service) -> None:
    api = payments.api()
    paid = api.paid(amount=1_234, orderId="=HYPERLINK(1)")
    api.create(amount=99)
    exported = api.get("/api/v1/payments/export", params={"format": "csv", "status": "succeeded"})
    everything = api.get("/api/v1/payments/export")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    assert len(rows) == 1
    assert (rows[0]["id"], rows[0]["amount"], rows[0]["status"]) == (
        paid["id"],
        "1234",
        "succeeded",
    )
    assert rows[0]["orderId"] == "'=HYPERLINK(1)"  # no formula runs in a spreadsheet
    assert len(list(csv.DictReader(io.StringIO(everything.text)))) == 2
    assert error_code(api.get("/api/v1/payments/export", params={"format": "pdf"}))[0] == 400


def _sheet_rows(content: bytes) -> list[list[str]]:
    namespace = {"s": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert {"[Content_Types].xml", "xl/workbook.xml"} <= set(archive.namelist())
        sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    return [
        ["".join(cell.itertext()) for cell in row.findall("s:c", namespace)]
        for row in sheet.iterfind(".//s:row", namespace)
    ]


def test_excel_export_holds_the_same_rows(payments: Service) -> None:
    api = payments.api()
    paid = api.paid(amount=1_234, orderId="<&> =SUM(A1)")
    created = api.create(amount=99)
    exported = api.get("/api/v1/payments/export", params={"format": "xlsx"})
    rows = _sheet_rows(exported.content)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith(XLSX_MEDIA_TYPE)
    assert 'filename="payments.xlsx"' in exported.headers["content-disposition"]
    assert rows[0][:4] == ["id", "status", "amount", "currency"]
    assert [row[:3] for row in rows[1:]] == [
        [created["id"], "created", "99"],
        [paid["id"], "succeeded", "1234"],
    ]
    assert rows[2][5] == "<&> =SUM(A1)"  # an inline string, never a formula


def test_an_unconfirmed_payment_expires(profile: Profile) -> None:
    with running(profile, sweep_interval_seconds=0.2) as payments:
        api = payments.api()
        soon = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
        payment = api.create(expiresAt=soon)
        later = api.create()
        path = f"/api/v1/payments/{payment['id']}"
        wait_until(lambda: api.get(path).json()["status"] == "expired", timeout=15, what="expiry")
        confirm = api.confirm_card(payment["id"])
        history = api.get(f"{path}/history").json()["data"]
        canceled = list(payments.db["outbox"].find({"topic": "payment.canceled"}))
        assert error_code(confirm) == (409, "payment_state_conflict")
        assert history[-1]["to"] == "expired" and history[-1]["actor"]["type"] == "system"
        assert [e["envelope"]["data"]["status"] for e in canceled] == ["expired"]
        assert api.get(f"/api/v1/payments/{later['id']}").json()["status"] == "created"
