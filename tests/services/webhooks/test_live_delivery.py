"""Live-mode delivery connects to the address it checked, over TLS to the endpoint's name.

A receiver with a certificate for `hooks.example.test` listens on loopback; the sender's resolver
says the name is at 127.0.0.1. With the production address rule the attempt is refused before any
connection; with a rule that admits the address, the request reaches the receiver by IP while TLS
(SNI, certificate check) and the Host header still name `hooks.example.test`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from devstack.serving import serve_in_thread
from services.webhooks.addresses import Address
from services.webhooks.delivery import Sender

HOST = "hooks.example.test"


def self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@contextlib.contextmanager
def tls_receiver(cert: Path, key: Path, seen: list[str]) -> Iterator[int]:
    async def hook(request: Request) -> Response:
        seen.append(request.headers["host"])
        return Response(status_code=204)

    app = Starlette(routes=[Route("/hook", hook, methods=["POST"])])
    with serve_in_thread(app, ssl_certfile=str(cert), ssl_keyfile=str(key)) as url:
        yield int(url.rsplit(":", 1)[1])


async def at_loopback(host: str, port: int) -> list[Address]:
    return [ipaddress.ip_address("127.0.0.1")]


async def test_live_attempt_pins_the_checked_address_and_keeps_tls_on_the_name(
    tmp_path: Path,
) -> None:
    cert, key = self_signed(tmp_path)
    seen: list[str] = []
    trust = ssl.create_default_context(cafile=str(cert))
    with tls_receiver(cert, key, seen) as port:
        url = f"https://{HOST}:{port}/hook"
        async with httpx.AsyncClient(verify=trust, trust_env=False) as client:
            guarded = Sender(client, timeout=5, body_limit=100, resolver=at_loopback)
            refused = await guarded.post(url, "live", {}, b"{}")
            admitted = Sender(
                client, timeout=5, body_limit=100, resolver=at_loopback, allowed=lambda _: True
            )
            sent = await admitted.post(url, "live", {}, b"{}")

    assert not refused.delivered and refused.error_code == "address_not_allowed"
    assert "127.0.0.1" in (refused.error or "")
    assert sent.delivered and sent.status == 204, sent
    # One request reached the receiver (the admitted one), addressed to the endpoint's name.
    assert seen == [f"{HOST}:{port}"]
