"""`expe listen`: the merchant's events as they happen, from the gateway's live WebSocket,
forwarded to a local server signed as Expe's webhooks are (Standard Webhooks), with a signing
secret of the CLI's own. A dropped connection is resumed after the last event heard."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

import httpx
from websockets.exceptions import WebSocketException
from websockets.sync.client import ClientConnection, connect

from expe._transport import USER_AGENT
from expe.webhooks import signed_headers

FORWARDED_BY_DEFAULT = ("payment.*", "refund.*")
_RECONNECT_SECONDS = (0.5, 1.0, 2.0, 5.0, 10.0)
_HELLO_SECONDS = 15.0


class ListenRefused(Exception):
    """The gateway refused the key for live updates: reconnecting would not help."""


class _Interrupted(Exception):
    """The connection ended or failed; try again."""


def live_url(base_url: str) -> str:
    scheme, _, rest = base_url.partition("://")
    return f"{'wss' if scheme == 'https' else 'ws'}://{rest}/api/v1/live"


def forward_url(target: str) -> str:
    """`localhost:4242/hooks` is `http://localhost:4242/hooks`."""
    return target if "://" in target else "http://" + target


def matches(patterns: Sequence[str], event_type: str) -> bool:
    """Exact types, a family (`payment.*`) or everything (`*`), as endpoints filter events."""
    return any(
        pattern in ("*", event_type)
        or (pattern.endswith(".*") and event_type.startswith(pattern[:-1]))
        for pattern in patterns
    )


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Listener:
    def __init__(
        self,
        *,
        api_key: str,
        base_url: str,
        secret: str,
        forward_to: str | None,
        events: Sequence[str],
        merchant_id: str | None,
    ) -> None:
        self._api_key = api_key
        self._url = live_url(base_url)
        self._secret = secret
        self._forward_to = forward_url(forward_to) if forward_to else None
        self._events = events
        self._merchant_id = merchant_id
        self._last_id: str | None = None
        self._http = httpx.Client(timeout=30.0, headers={"User-Agent": USER_AGENT})

    def run(self) -> None:
        """Listens until interrupted; raises `ListenRefused` when the key is not accepted."""
        failures = 0
        announced = False
        while True:
            try:
                with connect(self._url, open_timeout=10, user_agent_header=USER_AGENT) as socket:
                    self._hello(socket)
                    if announced:
                        print(f"Reconnected; resuming after {self._last_id or 'now'}.")
                    else:
                        self._announce()
                        announced = True
                    failures = 0
                    self._receive(socket)
            except (_Interrupted, WebSocketException, OSError, TimeoutError) as error:
                print(f"Connection lost ({error or type(error).__name__}); reconnecting…")
            time.sleep(_RECONNECT_SECONDS[min(failures, len(_RECONNECT_SECONDS) - 1)])
            failures += 1

    def _hello(self, socket: ClientConnection) -> None:
        hello: dict[str, Any] = {"type": "auth", "apiKey": self._api_key}
        if self._last_id is not None:
            hello["lastEventId"] = self._last_id
        socket.send(json.dumps(hello))
        answer = json.loads(socket.recv(timeout=_HELLO_SECONDS))
        if answer.get("type") == "ready":
            return
        if answer.get("code") == "service_unavailable":
            raise _Interrupted(answer.get("message"))
        raise ListenRefused(f"{answer.get('message')} ({answer.get('code')})")

    def _announce(self) -> None:
        whose = f" for {self._merchant_id}" if self._merchant_id else ""
        where = f"; forwarding to {self._forward_to}" if self._forward_to else ""
        print(f"Ready! Listening to {', '.join(self._events)} events{whose}{where}.")
        print(f"Your webhook signing secret is {self._secret} (^C to quit)")

    def _receive(self, socket: ClientConnection) -> None:
        for raw in socket:
            message = json.loads(raw)
            kind = message.get("type")
            if kind == "event":
                self._last_id = message["id"]
                if matches(self._events, message["event"]):
                    self._deliver(message)
            elif kind == "reset":
                print("Some events were missed while disconnected; read them from the API.")
            elif kind == "error":
                raise _Interrupted(f"{message.get('message')} ({message.get('code')})")

    def _deliver(self, message: dict[str, Any]) -> None:
        data: dict[str, Any] = message.get("data") or {}
        event = {
            "id": message["eventId"],
            "type": message["event"],
            "timestamp": data.get("occurredAt") or _now(),
            "merchantId": self._merchant_id,
            "mode": data.get("mode"),
            "data": data,
        }
        about = data.get("paymentId") or "-"
        line = f"{_now()}  {event['type']:<18}  {event['id']}  {about}"
        if self._forward_to is None:
            print(line)
            return
        payload = json.dumps(event, separators=(",", ":")).encode()
        headers = signed_headers(payload, self._secret, message_id=event["id"])
        try:
            response = self._http.post(
                self._forward_to,
                content=payload,
                headers={**headers, "Content-Type": "application/json"},
            )
            outcome = str(response.status_code)
        except httpx.HTTPError as error:
            outcome = f"failed: {error or type(error).__name__}"
        print(f"{line}  -> POST {self._forward_to} [{outcome}]")


def listen(
    *,
    api_key: str,
    base_url: str,
    secret: str,
    forward_to: str | None,
    events: Sequence[str],
    merchant_id: str | None,
) -> int:
    listener = Listener(
        api_key=api_key,
        base_url=base_url,
        secret=secret,
        forward_to=forward_to,
        events=events,
        merchant_id=merchant_id,
    )
    try:
        listener.run()
    except ListenRefused as refused:
        print(f"error: live updates refused this key: {refused}", file=sys.stderr)
        return 1
    return 0
