"""The caller's address: the TCP peer, or behind trusted proxies the address they saw.

`X-Forwarded-For` is only believed as far as it was written by proxies we trust (the ingress, a
load balancer): walking it from the right, the first address outside the trusted ranges is the
client. Anyone can send the header, so without trusted proxies it is ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from functools import lru_cache

from starlette.requests import HTTPConnection

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=4096)
def parse_networks(cidrs: tuple[str, ...]) -> tuple[Network, ...]:
    """The networks of CIDRs (trusted proxies, an API key's allowlist), parsed once each."""
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def _trusted(address: str, networks: Sequence[Network]) -> bool:
    if not _is_address(address):
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in networks)


def client_ip(request: HTTPConnection, trusted_proxies: tuple[str, ...]) -> str | None:
    peer = request.client.host if request.client else None
    networks = parse_networks(trusted_proxies)
    if peer is None or not networks or not _trusted(peer, networks):
        return peer
    hops = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if not _trusted(hop, networks):
            return hop if _is_address(hop) else peer
    return peer


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
