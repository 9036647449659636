"""Where webhooks may be sent: URL rules per mode and the address check against SSRF.

Test mode may call `http://` and this machine (a developer's tunnel or local receiver). Live
mode needs `https://` and a public address: private, loopback, link-local (cloud metadata),
shared, multicast and reserved ranges are refused. The check runs when an endpoint is saved and
again for every attempt, after DNS resolution, and the attempt connects to the address that was
checked, so a name that starts resolving to an internal address (DNS rebinding) gets nowhere.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[Address]]]

MAX_URL_LENGTH = 2048
_INTERNAL_NAMES = ("localhost", ".localhost", ".local", ".internal", ".home.arpa")


class UrlRefused(ValueError):
    """The URL may not receive webhooks in this mode; the message says why."""

    def __init__(self, message: str, code: str = "url_not_allowed") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Target:
    """A URL split into what an attempt needs."""

    url: str
    scheme: str
    host: str
    port: int


def parse(url: str, mode: str, *, public_only: bool | None = None) -> Target:
    """The URL's parts, or UrlRefused when its form is not allowed in `mode`. `public_only`
    (live mode's rule, and test mode's too on a production deployment) refuses internal hosts."""
    public_only = mode == "live" if public_only is None else public_only
    if len(url) > MAX_URL_LENGTH:
        raise UrlRefused(f"The URL is longer than {MAX_URL_LENGTH} characters.", "url_invalid")
    # A line break or a NUL could split the request line or a header of a delivery.
    if any(character.isspace() or not character.isprintable() for character in url):
        raise UrlRefused("The URL may not hold spaces or control characters.", "url_invalid")
    try:
        parts: SplitResult = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UrlRefused("The URL is not valid.", "url_invalid") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UrlRefused("The URL must be absolute, http:// or https://.", "url_invalid")
    if parts.username is not None or parts.password is not None:
        raise UrlRefused("The URL may not carry a user name or password.", "url_invalid")
    if parts.fragment:
        raise UrlRefused("The URL may not have a #fragment.", "url_invalid")
    if mode == "live" and parts.scheme != "https":
        raise UrlRefused("Live-mode endpoints must use https://.", "https_required")
    host = parts.hostname.rstrip(".").lower()
    if public_only and (host == "localhost" or host.endswith(_INTERNAL_NAMES)):
        raise UrlRefused(f"{host} names an internal host; webhooks go to public hosts only.")
    default_port = 443 if parts.scheme == "https" else 80
    target = Target(url, parts.scheme, host, port or default_port)
    if public_only:
        literal = _ip_literal(host)
        if literal is not None:
            refuse_internal([literal], host)
    return target


def _ip_literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def is_public(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return is_public(address.ipv4_mapped)
    return address.is_global and not address.is_multicast


def refuse_internal(
    addresses: list[Address], host: str, allowed: Callable[[Address], bool] = is_public
) -> None:
    internal = [str(a) for a in addresses if not allowed(a)]
    if internal:
        named = host if internal == [host] else f"{host} resolves to {', '.join(internal)}, which"
        raise UrlRefused(
            f"{named} is not a public address; webhooks are never sent to private, loopback or "
            "link-local addresses here."
        )


async def resolve(host: str, port: int) -> list[Address]:
    """The host's addresses (IPv4 first); raises OSError when the name does not resolve."""
    literal = _ip_literal(host)
    if literal is not None:
        return [literal]
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    found = {ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos}
    return sorted(found, key=lambda a: (a.version, int(a)))


async def check_on_save(target: Target, mode: str, *, public_only: bool | None = None) -> None:
    """Where public addresses are required, refuse a name that resolves to an internal one now.
    A name that does not resolve yet is accepted (DNS may follow); every attempt checks again."""
    public_only = mode == "live" if public_only is None else public_only
    if not public_only or _ip_literal(target.host) is not None:
        return
    try:
        addresses = await resolve(target.host, target.port)
    except OSError:
        return
    refuse_internal(addresses, target.host)
