"""The statement: entries newest first, paged by position in the chain, or all of it as CSV."""

from __future__ import annotations

import csv
import io
import secrets

from tests.services.wallet.conftest import WalletApp, user


async def test_statement_pages_newest_first(wallet_app: WalletApp) -> None:
    alice, bob = user(), user()
    wallet_id = await wallet_app.funded(alice, 1_000)
    target = await wallet_app.open_wallet(bob)
    async with wallet_app.client(alice) as client:
        for amount in (100, 200, 5_000, 300):
            await client.post(
                "/api/v1/transfers",
                json={
                    "fromWalletId": wallet_id,
                    "to": {"walletId": target},
                    "amount": amount,
                    "currency": "INR",
                },
                headers={"Idempotency-Key": secrets.token_hex(4)},
            )
        first = await client.get(f"/api/v1/wallets/{wallet_id}/entries?limit=2")
        second = await client.get(f"/api/v1/wallets/{wallet_id}/entries?limit=2&page=2")
        beyond = await client.get(f"/api/v1/wallets/{wallet_id}/entries?limit=2&page=9")
        too_many = await client.get(f"/api/v1/wallets/{wallet_id}/entries?limit=101")
    page = first.json()
    assert (page["page"], page["limit"], page["total"], page["hasMore"]) == (1, 2, 5, True)
    assert [e["amount"] for e in page["data"]] == [-300, 0]
    assert [e["status"] for e in page["data"]] == ["posted", "declined"]
    assert page["data"][0]["available"] == 400 and page["data"][0]["seq"] == 5
    assert [e["amount"] for e in second.json()["data"]] == [-200, -100]
    assert second.json()["hasMore"] is True
    assert beyond.json()["data"] == [] and beyond.json()["hasMore"] is False
    assert too_many.status_code == 400


async def test_statement_as_csv(wallet_app: WalletApp) -> None:
    alice = user()
    wallet_id = await wallet_app.funded(alice, 1_000)
    await wallet_app.top_up(alice, wallet_id, 250)
    async with wallet_app.client(alice) as client:
        response = await client.get(f"/api/v1/wallets/{wallet_id}/entries?format=csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["seq"], r["amount"], r["available"], r["currency"]) for r in rows] == [
        ("2", "250", "1250", "INR"),
        ("1", "1000", "1000", "INR"),
    ]


async def test_only_the_owner_reads_the_statement(wallet_app: WalletApp) -> None:
    wallet_id = await wallet_app.funded(user(), 1_000)
    async with wallet_app.client(user()) as client:
        page = await client.get(f"/api/v1/wallets/{wallet_id}/entries")
        exported = await client.get(f"/api/v1/wallets/{wallet_id}/entries?format=csv")
    assert page.status_code == exported.status_code == 404
