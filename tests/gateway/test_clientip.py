"""Which address the gateway attributes a request to (rate limits, IP allowlists, audit)."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from gateway.clientip import client_ip


def request_from(peer: str, forwarded_for: str | None = None) -> Request:
    headers = [(b"x-forwarded-for", forwarded_for.encode())] if forwarded_for else []
    return Request({"type": "http", "client": (peer, 40000), "headers": headers})


LB = ("10.0.0.0/8",)


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "trusted", "expected"),
    [
        ("198.51.100.9", "203.0.113.5", (), "198.51.100.9"),  # no trusted proxies: header ignored
        ("198.51.100.9", "203.0.113.5", LB, "198.51.100.9"),  # peer is not a trusted proxy
        ("10.1.2.3", "203.0.113.5", LB, "203.0.113.5"),  # through the load balancer
        ("10.1.2.3", "6.6.6.6, 203.0.113.5", LB, "203.0.113.5"),  # a forged left entry is ignored
        ("10.1.2.3", "203.0.113.5, 10.9.9.9", LB, "203.0.113.5"),  # two trusted hops
        ("10.1.2.3", None, LB, "10.1.2.3"),
        ("10.1.2.3", "not-an-ip, 10.9.9.9", LB, "10.1.2.3"),  # garbage: the peer it is
    ],
)
def test_client_address(
    peer: str, forwarded_for: str | None, trusted: tuple[str, ...], expected: str
) -> None:
    assert client_ip(request_from(peer, forwarded_for), trusted) == expected
