"""The headers a security scanner checks, on every page and on a sample of API answers of every
status family, against the whole mesh: nothing framed, sniffed or cached that must not be, a
strict policy on every HTML page, no server version, and CORS that names its origins.

The pages are every route of the dashboard's router (web/src/routes.tsx), the hosted checkout,
every built guide, the API reference and its assets; the API answers are 2xx, 400, 401, 404,
405, 413, 429, a 503 from a stopped service, and a refused WebSocket upgrade (bare: see its test).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from devstack.accounts import PASSWORD, create_key, create_merchant, sign_up
from devstack.profile import REPO, Profile
from devstack.stack import Stack
from tests.e2e.conftest import from_own_address

pytestmark = pytest.mark.e2e

ROUTES_FILE = REPO / "web" / "src" / "routes.tsx"
GUIDES = REPO / "build" / "docs"
WEB_BUILD = REPO / "web" / "dist"
# A sub-page for each router path that ends in `/*`, an example id for each `:param`.
SUB_PAGES = {"/webhooks/*": "/webhooks/attempts", "/settings/*": "/settings/api-keys"}
EVIL_ORIGIN = "https://evil.example"


@dataclass(frozen=True)
class Caller:
    client: httpx.Client
    email: str
    access_token: str
    merchant_id: str
    project_id: str
    secret_key: str

    def owner(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.access_token}",
            "Expe-Merchant": self.merchant_id,
            "Expe-Mode": "test",
        }

    def key(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret_key}"}


@pytest.fixture(scope="module")
def client(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack["gateway"].url, timeout=15) as gateway:
        yield gateway


@pytest.fixture(scope="module")
def caller(client: httpx.Client, profile: Profile) -> Caller:
    owner = sign_up(client, profile.mailpit_url)
    merchant = create_merchant(client, owner)
    key = create_key(client, merchant)
    return Caller(
        client,
        owner.email,
        owner.access_token,
        merchant.merchant_id,
        merchant.project_id,
        key["secret"],
    )


def router_paths() -> list[str]:
    """Every path the dashboard's router knows, as a browser would open it."""
    paths = ["/"]
    for path in re.findall(r'<Route path="([^"]+)"', ROUTES_FILE.read_text()):
        if path == "*":
            path = "/no-such-page"
        path = SUB_PAGES.get(path, path)
        paths.append(re.sub(r":[A-Za-z]+", "pay_0000000000000000000000", path))
    return paths


def assert_common(response: httpx.Response) -> None:
    """What every answer carries, whatever it is."""
    headers = response.headers
    where = f"{response.request.method} {response.request.url.path} ({response.status_code})"
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("referrer-policy") == "no-referrer", where
    assert headers.get("x-frame-options") == "DENY", where
    hsts = headers.get("strict-transport-security", "")
    assert re.fullmatch(r"max-age=(\d+); includeSubDomains", hsts), where
    assert int(hsts.split(";")[0].split("=")[1]) >= 31536000, where
    assert "x-powered-by" not in headers, where
    # A bare name says little; a version tells an attacker which advisories apply.
    assert not re.search(r"\d", headers.get("server", "")), f"{where}: {headers['server']}"


def directives(response: httpx.Response) -> dict[str, list[str]]:
    policy = response.headers.get("content-security-policy", "")
    parsed = (part.split() for part in policy.split(";") if part.strip())
    return {words[0]: words[1:] for words in parsed}


def assert_page(response: httpx.Response) -> None:
    """An HTML page: a policy that runs only the site's own scripts and refuses every frame."""
    where = f"{response.request.url.path} ({response.status_code})"
    assert response.headers["content-type"].startswith("text/html"), where
    assert_common(response)
    policy = directives(response)
    scripts = policy.get("script-src", policy.get("default-src"))
    assert scripts, f"{where}: no script policy"
    assert "'self'" in scripts or "'none'" in scripts, where
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} & set(
        scripts
    ), f"{where}: {scripts}"
    assert policy.get("frame-ancestors") == ["'none'"], where
    assert policy.get("object-src") == ["'none'"], where
    assert policy.get("base-uri") == ["'self'"], where
    assert "no-store" in response.headers["cache-control"] or (
        "no-cache" in response.headers["cache-control"]
    ), where


def assert_api(response: httpx.Response) -> None:
    """An API answer: data that nothing may run, frame or keep."""
    assert_common(response)
    where = f"{response.request.method} {response.request.url.path} ({response.status_code})"
    assert response.headers["cache-control"] == "no-store", where
    assert directives(response) == {"default-src": ["'none'"], "frame-ancestors": ["'none'"]}
    assert response.headers["content-type"].startswith("application/json"), where


def test_every_dashboard_and_checkout_page(client: httpx.Client) -> None:
    paths = router_paths()
    assert {"/login", "/transactions", "/checkout/pay_0000000000000000000000"} <= set(paths)
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_page(response)
        assert '<script type="module"' in response.text, f"{path} is not the dashboard"


def test_the_dashboards_own_files(client: httpx.Client) -> None:
    index = client.get("/").text
    assets = re.findall(r'(?:src|href)="(/assets/[^"]+)"', index)
    assert assets, "index.html names no built asset"
    for path in [*assets, "/favicon.svg"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_common(response)
        assert response.headers["content-type"].split(";")[0] in {
            "text/javascript",
            "application/javascript",
            "text/css",
            "image/svg+xml",
        }, path
    missing = client.get("/assets/no-such-file.js")
    assert missing.status_code == 404
    assert_common(missing)


def test_every_guide(client: httpx.Client) -> None:
    pages = sorted(GUIDES.rglob("*.html"))
    assert len(pages) > 5, "the guides are not built (make docs)"
    for page in pages:
        response = client.get(f"/guides/{page.relative_to(GUIDES).as_posix()}")
        assert response.status_code == 200, page
        assert_page(response)
    stylesheet = client.get("/guides/stylesheets/extra.css")
    assert stylesheet.status_code == 200
    assert_common(stylesheet)


def test_the_api_reference_and_the_openapi_document(client: httpx.Client) -> None:
    for path in ("/docs", "/redoc"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_page(response)
        for script in re.findall(r'<script src="([^"]+)"', response.text):
            bundle = client.get(script)
            assert bundle.status_code == 200, script
            assert_common(bundle)
    document = client.get("/openapi.json")
    assert document.status_code == 200
    assert document.json()["openapi"].startswith("3.1")
    assert_common(document)
    assert document.headers["content-type"] == "application/json"


def test_the_health_and_key_documents(client: httpx.Client) -> None:
    for path in ("/healthz", "/readyz"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_common(response)
    keys = client.get("/.well-known/jwks.json")
    assert keys.status_code == 200
    assert keys.json()["keys"]
    assert_common(keys)


def test_api_answers_of_every_status_family(caller: Caller) -> None:
    client = caller.client
    order = f"headers-{secrets.token_hex(4)}"
    created = client.post(
        "/api/v1/payments",
        json={"amount": 1000, "currency": "INR", "orderId": order},
        headers={**caller.key(), "Idempotency-Key": order},
    )
    answers = {
        201: created,
        200: client.get("/api/v1/payments", headers=caller.key()),
        400: client.post("/api/v1/payments", json={"amount": "ten"}, headers=caller.key()),
        401: client.get("/api/v1/payments"),
        404: client.get("/api/v1/payments/pay_0000000000000000000000", headers=caller.key()),
    }
    for status, response in answers.items():
        assert response.status_code == status, response.text
        assert_api(response)
    no_route = client.get("/api/v1/no-such-route", headers=caller.key())
    assert no_route.status_code == 404
    assert_api(no_route)


def test_method_not_allowed(caller: Caller) -> None:
    client = caller.client
    for response in (
        client.put("/api/v1/payments", json={}, headers=caller.key()),
        client.post("/healthz"),
        client.delete("/openapi.json"),
    ):
        assert response.status_code == 405, response.request.url
        assert_common(response)
    assert_api(client.put("/api/v1/payments", json={}, headers=caller.key()))


def test_a_body_over_the_limit(caller: Caller) -> None:
    too_big = b'{"description": "' + b"x" * 2_000_000 + b'"}'
    response = caller.client.post(
        "/api/v1/payments",
        content=too_big,
        headers={**caller.key(), "Content-Type": "application/json", "Idempotency-Key": "big"},
    )
    assert response.status_code == 413
    assert_api(response)


def test_too_many_failed_logins(stack: Stack) -> None:
    email = f"nobody-{secrets.token_hex(4)}@example.com"
    answers = []
    # From an address of its own: failed logins also count per address, and the rest of the
    # suite logs in from 127.0.0.1.
    with from_own_address(stack) as client:
        for _ in range(15):
            response = client.post(
                "/api/v1/auth/login", json={"email": email, "password": "not the password"}
            )
            answers.append(response.status_code)
            if response.status_code == 429:
                break
    assert answers[-1] == 429, answers
    assert int(response.headers["retry-after"]) >= 1
    assert_api(response)


def test_a_service_that_is_down(caller: Caller, stack: Stack) -> None:
    analytics = stack["analytics"]
    analytics.stop()
    try:
        response = caller.client.get("/api/v1/analytics/overview", headers=caller.key())
        assert response.status_code == 503, response.text
        assert_api(response)
    finally:
        analytics.start()
        analytics.wait_ready()


def test_a_refused_websocket_upgrade(client: httpx.Client) -> None:
    """An upgrade where no socket is served is refused by the server before the app can add
    headers: a 403 without a body, so there is nothing to sniff, frame or keep. (Writing the
    refusal through the denial-response extension would add them, but uvicorn's websockets
    implementation then logs an error for every refusal anyone sends.)"""
    upgrade = {
        "Connection": "Upgrade",
        "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        "Origin": EVIL_ORIGIN,
    }
    for path in ("/api/v1/payments", "/"):
        response = client.get(path, headers=upgrade)
        assert response.status_code == 403, path
        assert response.content == b"", path
        assert "access-control-allow-origin" not in response.headers
        assert not re.search(r"\d", response.headers.get("server", ""))
    # The live socket itself is an API route: a plain GET gets the API's 404.
    plain = client.get("/api/v1/live")
    assert plain.status_code == 404
    assert_api(plain)


def test_answers_that_carry_secrets_are_never_stored(caller: Caller) -> None:
    client = caller.client
    key = client.post(
        f"/api/v1/projects/{caller.project_id}/api-keys",
        json={"type": "secret", "mode": "test", "name": "headers"},
        headers=caller.owner(),
    )
    assert key.status_code == 201, key.text
    assert key.json()["secret"].startswith("sk_test_")
    rotated_key = client.post(f"/api/v1/api-keys/{key.json()['id']}/rotate", headers=caller.owner())
    assert rotated_key.status_code == 201, rotated_key.text
    assert rotated_key.json()["secret"].startswith("sk_test_")
    session = client.post("/api/v1/auth/login", json={"email": caller.email, "password": PASSWORD})
    assert session.status_code == 200, session.text
    refreshed = client.post(
        "/api/v1/auth/refresh", json={"refreshToken": session.json()["refreshToken"]}
    )
    assert refreshed.status_code == 200, refreshed.text
    enrolment = client.post(
        "/api/v1/auth/2fa/enroll",
        headers={"Authorization": f"Bearer {refreshed.json()['accessToken']}"},
    )
    assert enrolment.status_code == 200, enrolment.text
    assert enrolment.json()["secret"]
    endpoint = client.post(
        "/api/v1/webhooks/endpoints",
        json={"url": "https://hooks.example.com/expe"},
        headers=caller.key(),
    )
    assert endpoint.status_code == 201, endpoint.text
    assert endpoint.json()["secret"].startswith("whsec_")
    rotated_secret = client.post(
        f"/api/v1/webhooks/endpoints/{endpoint.json()['id']}/rotate-secret", headers=caller.key()
    )
    assert rotated_secret.status_code == 200, rotated_secret.text
    for response in (key, rotated_key, session, refreshed, enrolment, endpoint, rotated_secret):
        assert response.headers["cache-control"] == "no-store", response.request.url
        assert_api(response)


def test_cors_names_its_origins(caller: Caller) -> None:
    client = caller.client
    for origin in (EVIL_ORIGIN, "null", "http://localhost:5173.evil.example"):
        simple = client.get("/api/v1/payments", headers={**caller.key(), "Origin": origin})
        assert simple.status_code == 200
        assert "access-control-allow-origin" not in simple.headers, origin
        preflight = client.options(
            "/api/v1/payments",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization",
            },
        )
        assert preflight.headers.get("access-control-allow-origin") in (None, ""), origin
        assert preflight.status_code >= 400, origin
    # The dashboard's development server is allowed by name, never by a wildcard.
    allowed = client.get(
        "/api/v1/payments", headers={**caller.key(), "Origin": "http://localhost:5173"}
    )
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert allowed.headers["access-control-allow-credentials"] == "true"
    assert "Origin" in allowed.headers["vary"]
