"""Steady traffic of merchants' servers and their customers, as the chaos suite and the soak run
it: card and wallet payments created and confirmed, some refunded, and wallet transfers.

It is not a benchmark (devstack/bench.py drives vegeta for that): each flow chains requests on
the answers before (a confirm needs the created payment's client secret), and a request that got
no answer, a 5xx or a 429 is sent again with the same Idempotency-Key, as a real client's retry
would be; vegeta does neither. Flows start at a fixed rate, so a slow answer does not slow the
arrivals. Every request is recorded with its key, its tries, its final status and body.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from devstack.accounts import bearer

CARD = {"number": "4242424242424242", "expMonth": 12, "expYear": 2030, "cvc": "123"}
# A client gives up on one request after this long; each try waits at most REQUEST_TIMEOUT.
# Past twice the gateway's upstream timeout a key cut off by a crash is free again
# (shared/idempotency.py), so a retry within this window always gets an answer.
GIVE_UP_SECONDS = 120.0
REQUEST_TIMEOUT = 15.0
# What a 409 with this code means: the same key is still being run; come back shortly.
IN_USE = "idempotency_key_in_use"


@dataclass(frozen=True)
class Merchant:
    merchant_id: str
    secret_key: str
    # The merchant's own wallet, opened with its key: wallet payments are captured into it.
    wallet_id: str


@dataclass(frozen=True)
class Party:
    """Who the traffic belongs to: merchants taking payments, a customer paying from a funded
    wallet, and a pair of merchant wallets that transfers run between."""

    merchants: tuple[Merchant, ...]
    customer_headers: dict[str, str]
    customer_wallet: str
    payer: Merchant
    payee_wallet: str


@dataclass
class Call:
    """One logical request: every try carries the same key and body."""

    kind: str
    method: str
    path: str
    key: str | None
    body: dict[str, Any] | None
    tries: int = 0
    status: int | None = None  # the final answer's; None: none came before giving up
    answer: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _retry_after(response: httpx.Response) -> float:
    try:
        return min(float(response.headers.get("Retry-After", "0.5")), 5.0)
    except ValueError:
        return 0.5


class Load:
    """Starts `flows_per_second` flows in a thread of its own until stopped; `pause` stops new
    flows so that the mesh can settle, `settled` says when every started flow has finished."""

    def __init__(self, base_url: str, party: Party, flows_per_second: float) -> None:
        self.base_url = base_url
        self.party = party
        self.flows_per_second = flows_per_second
        self.calls: list[Call] = []
        self._running = threading.Event()
        self._stopping = threading.Event()
        self._in_flight = 0
        self._lock = threading.Lock()
        self._numbers = itertools.count()
        self._thread = threading.Thread(target=self._run, name="chaos-load", daemon=True)

    # Control, from the test's thread.

    def start(self) -> None:
        self._running.set()
        self._thread.start()

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def stop(self) -> None:
        self._running.clear()
        self._stopping.set()
        self._thread.join(timeout=GIVE_UP_SECONDS + 30)

    def settled(self) -> bool:
        with self._lock:
            return self._in_flight == 0

    def snapshot(self) -> list[Call]:
        with self._lock:
            return list(self.calls)

    def capacity(self, seconds: float, concurrency: int) -> float:
        """Runs `concurrency` flows back to back for `seconds` (before `start`; the caller waits):
        the flows a second the mesh then completes is its capacity for this traffic. Its
        requests are recorded with the rest."""
        measured: list[float] = []
        probe = threading.Thread(
            target=lambda: measured.append(asyncio.run(self._saturate(seconds, concurrency))),
            name="chaos-capacity",
        )
        probe.start()
        probe.join()
        return measured[0]

    async def _saturate(self, seconds: float, concurrency: int) -> float:
        finished = 0
        began = time.monotonic()

        async def back_to_back(http: httpx.AsyncClient) -> None:
            nonlocal finished
            while time.monotonic() - began < seconds:
                with self._lock:
                    self._in_flight += 1
                await self._flow(http, next(self._numbers))
                finished += 1

        async with self._client() as http:
            await asyncio.gather(*(back_to_back(http) for _ in range(concurrency)))
        return finished / (time.monotonic() - began)

    # The traffic, on the load's own loop.

    def _run(self) -> None:
        asyncio.run(self._arrivals())

    def _client(self) -> httpx.AsyncClient:
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
        return httpx.AsyncClient(base_url=self.base_url, timeout=REQUEST_TIMEOUT, limits=limits)

    async def _arrivals(self) -> None:
        async with self._client() as http:
            tasks: set[asyncio.Task[None]] = set()
            next_start = time.monotonic()
            while not self._stopping.is_set():
                if not self._running.is_set():
                    await asyncio.sleep(0.05)
                    next_start = time.monotonic()
                    continue
                n = next(self._numbers)
                with self._lock:
                    self._in_flight += 1
                task = asyncio.create_task(self._flow(http, n))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                next_start += 1 / self.flows_per_second
                await asyncio.sleep(max(0.0, next_start - time.monotonic()))
            if tasks:
                await asyncio.wait(tasks)

    async def _flow(self, http: httpx.AsyncClient, n: int) -> None:
        flows: tuple[Callable[[httpx.AsyncClient, int], Awaitable[None]], ...] = (
            self._card_payment,
            self._transfer,
            self._wallet_payment,
            self._card_payment,
        )
        try:
            await flows[n % len(flows)](http, n)
        finally:
            with self._lock:
                self._in_flight -= 1

    async def _card_payment(self, http: httpx.AsyncClient, n: int) -> None:
        card = {"method": "card", "card": CARD}
        await self._payment(http, n, "confirm_card", card, {}, refund=n % 3 == 0)

    async def _wallet_payment(self, http: httpx.AsyncClient, n: int) -> None:
        wallet = {"method": "wallet", "walletId": self.party.customer_wallet}
        customer = self.party.customer_headers
        # Every other wallet payment is refunded.
        await self._payment(http, n, "confirm_wallet", wallet, customer, refund=(n // 4) % 2 == 0)

    async def _payment(
        self,
        http: httpx.AsyncClient,
        n: int,
        kind: str,
        method: dict[str, Any],
        customer_headers: dict[str, str],
        *,
        refund: bool,
    ) -> None:
        """A merchant creates a payment, the customer confirms it with `method` on the checkout,
        and the merchant refunds part of it when `refund`."""
        merchant = self.party.merchants[n % len(self.party.merchants)]
        created = await self._create(http, merchant, n)
        if not created.succeeded:
            return
        payment = created.answer
        path = f"/api/v1/checkout/payments/{payment['id']}/confirm"
        confirmed = await self._send(
            http,
            Call(kind, "POST", path, _key("confirm"), method),
            {**customer_headers, "Expe-Client-Secret": payment["clientSecret"]},
        )
        if confirmed.succeeded and refund:
            await self._refund(http, merchant, payment)

    async def _transfer(self, http: httpx.AsyncClient, n: int) -> None:
        body = {
            "fromWalletId": self.party.payer.wallet_id,
            "to": {"walletId": self.party.payee_wallet},
            "amount": 100 + n % 7,
            "currency": "INR",
        }
        call = Call("transfer", "POST", "/api/v1/transfers", _key("transfer"), body)
        await self._send(http, call, bearer(self.party.payer.secret_key))

    async def _create(self, http: httpx.AsyncClient, merchant: Merchant, n: int) -> Call:
        key = _key("order")
        body = {"amount": 1_000 + n % 50, "currency": "INR", "orderId": key}
        call = Call("create", "POST", "/api/v1/payments", key, body)
        return await self._send(http, call, bearer(merchant.secret_key))

    async def _refund(
        self, http: httpx.AsyncClient, merchant: Merchant, payment: dict[str, Any]
    ) -> None:
        body = {"amount": 300, "reason": "one item returned"}
        path = f"/api/v1/payments/{payment['id']}/refund"
        call = Call("refund", "POST", path, _key("refund"), body)
        await self._send(http, call, bearer(merchant.secret_key))

    async def _send(self, http: httpx.AsyncClient, call: Call, headers: dict[str, str]) -> Call:
        """Sends `call` until it gets an answer a client would not retry, or gives up."""
        with self._lock:
            self.calls.append(call)
        if call.key is not None:
            headers = {**headers, "Idempotency-Key": call.key}
        deadline = time.monotonic() + GIVE_UP_SECONDS
        while True:
            call.tries += 1
            pause = 0.5
            try:
                response = await http.request(
                    call.method, call.path, json=call.body, headers=headers
                )
            except httpx.TransportError as error:
                call.errors.append(repr(error))
            else:
                answer = _json(response)
                code = (answer.get("error") or {}).get("code")
                retry = response.status_code >= 500 or response.status_code == 429
                if response.status_code == 409 and code == IN_USE:
                    retry = True
                if not retry:
                    call.status, call.answer = response.status_code, answer
                    return call
                call.errors.append(f"{response.status_code} {code}")
                pause = _retry_after(response)
            if time.monotonic() + pause > deadline:
                return call
            await asyncio.sleep(pause)


def _key(kind: str) -> str:
    return f"chaos-{kind}-{secrets.token_hex(8)}"


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {"raw": response.text[:200]}
    return body if isinstance(body, dict) else {"list": body}
