"""The gateway in front of a real upstream HTTP server: forwarding, limits, failures, headers."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from starlette.requests import Request

from devstack.profile import Profile
from devstack.serving import free_port, serve_in_thread
from devstack.waiting import wait_until
from gateway.app import create_app
from gateway.proxy import ClientClosedRequest, read_body
from gateway.ratelimit import Limit, RateLimitSettings
from gateway.settings import GatewaySettings, ServiceUrls
from shared.identity import Caller, verify_headers
from shared.settings import LOCAL_INTERNAL_SECRET
from tests.gateway.upstream import EXPORT_LINES, SIGNING_KEY, TRACE_ID, api_key
from tests.tokens import mint, new_signing_key, unsigned


@pytest.fixture(scope="module")
def gateway(upstream_url: str, profile: Profile) -> Iterator[httpx.Client]:
    settings = GatewaySettings(
        live_relay=False,  # no broker behind these gateways
        services=ServiceUrls(
            auth=upstream_url, analytics=upstream_url, wallet=f"http://127.0.0.1:{free_port()}"
        ),
        redis={"url": profile.redis_url},
        max_body_bytes=1024,
        upstream_timeout_seconds=0.5,
        cors_origins=["https://dashboard.example"],
    )
    token = mint(SIGNING_KEY)
    with (
        serve_in_thread(create_app(settings)) as url,
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as client,
    ):
        yield client


def test_request_is_forwarded_with_query_body_and_request_id(gateway: httpx.Client) -> None:
    response = gateway.post(
        "/api/v1/analytics/echo?merchantId=mer_1&page=2",
        json={"a": 1},
        headers={"X-Request-ID": "req-merchant-7"},
    )
    assert response.status_code == 200
    seen = response.json()
    assert seen["query"] == "merchantId=mer_1&page=2"
    assert seen["body"] == '{"a":1}'
    assert seen["headers"]["x-request-id"] == "req-merchant-7"
    assert response.headers["X-Request-ID"] == "req-merchant-7"


def test_request_id_is_generated_when_absent(gateway: httpx.Client) -> None:
    response = gateway.get("/api/v1/analytics/echo")
    generated = response.headers["X-Request-ID"]
    assert generated.startswith("req_")
    assert response.json()["headers"]["x-request-id"] == generated


def test_trace_context_continues_into_the_service(gateway: httpx.Client) -> None:
    traceparent = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
    seen = gateway.get("/api/v1/analytics/echo", headers={"traceparent": traceparent}).json()
    forwarded = seen["headers"]["traceparent"]
    assert forwarded.split("-")[1] == TRACE_ID
    # The gateway's own span sits between the caller's and the service's.
    assert forwarded.split("-")[2] != "00f067aa0ba902b7"


def test_the_service_receives_the_caller_signed_by_the_gateway(gateway: httpx.Client) -> None:
    seen = gateway.get("/api/v1/analytics/echo").json()["headers"]
    caller = verify_headers(
        seen["x-expe-identity"],
        seen["x-expe-signature"],
        secret=LOCAL_INTERNAL_SECRET,
        method="GET",
        path="/api/v1/analytics/echo",
    )
    assert (caller.kind, caller.user_id, caller.session_id) == ("user", "usr_test", "ses_test")
    assert caller.ip == "127.0.0.1"


def test_identity_headers_sent_by_callers_are_replaced(gateway: httpx.Client) -> None:
    forged = Caller(kind="gateway").encode()
    seen = gateway.get(
        "/api/v1/analytics/echo",
        headers={"X-Expe-Identity": forged, "X-Expe-Merchant-Id": "mer_victim"},
    ).json()["headers"]
    assert "x-expe-merchant-id" not in seen
    assert seen["x-expe-identity"] != forged


def test_upstream_errors_pass_through_unchanged(gateway: httpx.Client) -> None:
    response = gateway.get("/api/v1/analytics/missing")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "resource_missing"}}


def test_slow_service_gives_504_with_error_body(gateway: httpx.Client) -> None:
    response = gateway.get("/api/v1/analytics/slow")
    assert response.status_code == 504
    assert response.json()["error"]["code"] == "upstream_timeout"
    assert response.json()["error"]["requestId"] == response.headers["X-Request-ID"]


def test_unreachable_service_gives_503_with_error_body(gateway: httpx.Client) -> None:
    response = gateway.get("/api/v1/wallets/wal_1")
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "service_unavailable"
    assert "wallet" in error["message"]


def test_oversized_body_gives_413_declared_or_streamed(gateway: httpx.Client) -> None:
    declared = gateway.post("/api/v1/analytics/echo", content=b"x" * 2048)
    assert declared.status_code == 413
    assert declared.json()["error"]["code"] == "payload_too_large"

    def chunks() -> Iterator[bytes]:
        for _ in range(8):
            yield b"y" * 512

    streamed = gateway.post("/api/v1/analytics/echo", content=chunks())
    assert streamed.status_code == 413
    assert gateway.post("/api/v1/analytics/echo", content=b"z" * 1024).status_code == 200


def test_unknown_api_path_gives_404_error_body(gateway: httpx.Client) -> None:
    response = gateway.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "resource_missing"


def test_security_headers_on_api_responses(gateway: httpx.Client) -> None:
    headers = gateway.get("/api/v1/analytics/echo").headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cache-Control"] == "no-store"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "max-age=" in headers["Strict-Transport-Security"]


def test_cors_allows_only_configured_origins(gateway: httpx.Client) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Authorization, Idempotency-Key",
    }
    allowed = gateway.request(
        "OPTIONS",
        "/api/v1/analytics/echo",
        headers={"Origin": "https://dashboard.example", **preflight},
    )
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://dashboard.example"
    refused = gateway.request(
        "OPTIONS", "/api/v1/analytics/echo", headers={"Origin": "https://evil.example", **preflight}
    )
    assert "Access-Control-Allow-Origin" not in refused.headers
    simple = gateway.get("/api/v1/analytics/echo", headers={"Origin": "https://dashboard.example"})
    assert "X-Request-ID" in simple.headers["Access-Control-Expose-Headers"]


@pytest.mark.parametrize(
    ("method", "path", "credential", "status"),
    [
        ("GET", "/api/v1/analytics/echo", None, 200),
        ("POST", "/api/v1/analytics/echo", None, 413),
        ("GET", "/api/v1/no-such-resource", None, 404),
        ("GET", "/api/v1/merchants", lambda: api_key(), 403),  # keys cannot manage accounts
        ("GET", "/api/v1/analytics/echo", lambda: api_key(["203.0.113.0/24"]), 403),
        ("GET", "/api/v1/analytics/echo", lambda: "sk_test_" + "x" * 32, 401),
    ],
)
def test_every_answer_carries_rate_limit_headers(
    gateway: httpx.Client, method: str, path: str, credential, status: int
) -> None:
    headers = {"Authorization": f"Bearer {credential()}"} if credential else {}
    body = b"x" * 2048 if method == "POST" else None  # over the 1 KiB limit
    response = gateway.request(method, path, content=body, headers=headers)
    assert response.status_code == status, response.text
    limits = response.headers
    assert int(limits["RateLimit-Limit"]) > 0
    assert 0 <= int(limits["RateLimit-Remaining"]) < int(limits["RateLimit-Limit"])
    assert int(limits["RateLimit-Reset"]) >= 0


OTHER_KEY = new_signing_key()


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (lambda: mint(OTHER_KEY, kid=SIGNING_KEY.kid), "forged: signed by another key"),
        (lambda: mint(OTHER_KEY), "signed by a key the auth service never published"),
        (lambda: mint(SIGNING_KEY, exp=datetime.now(UTC) - timedelta(seconds=5)), "expired"),
        (lambda: unsigned(), "alg=none"),
        (lambda: mint(SIGNING_KEY, aud="someone-else"), "wrong audience"),
        (lambda: mint(SIGNING_KEY, iss="evil"), "wrong issuer"),
        (lambda: "not.a.jwt", "malformed"),
        (lambda: mint(SIGNING_KEY)[:-4] + "AAAA", "tampered signature"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_bad_access_tokens_get_401_with_the_error_body(
    gateway: httpx.Client, token, reason: str
) -> None:
    response = gateway.get("/api/v1/analytics/echo", headers={"Authorization": f"Bearer {token()}"})
    assert response.status_code == 401, reason
    error = response.json()["error"]
    assert error["code"] == "invalid_access_token"
    assert error["requestId"] == response.headers["X-Request-ID"]


def test_missing_credentials_get_401_and_public_routes_do_not_need_them(
    gateway: httpx.Client,
) -> None:
    with httpx.Client(base_url=str(gateway.base_url)) as anonymous:
        response = anonymous.get("/api/v1/analytics/echo")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert anonymous.get("/.well-known/jwks.json").status_code == 200


def test_malformed_api_keys_are_refused_without_asking_auth(gateway: httpx.Client) -> None:
    response = gateway.get(
        "/api/v1/analytics/echo", headers={"Authorization": "Bearer sk_test_short"}
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "api_key_invalid"


def test_rate_limit_refuses_with_retry_after_then_recovers(
    upstream_url: str, profile: Profile
) -> None:
    settings = GatewaySettings(
        live_relay=False,  # no broker behind these gateways
        services=ServiceUrls(auth=upstream_url, analytics=upstream_url),
        redis={"url": profile.redis_url},
        rate_limits=RateLimitSettings(per_user=Limit(limit=3, window_seconds=2)),
    )
    token = mint(SIGNING_KEY, sub=f"usr_rl{secrets.token_hex(4)}")
    with (
        serve_in_thread(create_app(settings)) as url,
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as client,
    ):
        allowed = [client.get("/api/v1/analytics/echo") for _ in range(3)]
        assert [r.status_code for r in allowed] == [200, 200, 200]
        assert [r.headers["RateLimit-Remaining"] for r in allowed] == ["2", "1", "0"]
        refused = client.get("/api/v1/analytics/echo")
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "rate_limited"
        assert int(refused.headers["Retry-After"]) >= 1
        assert refused.headers["RateLimit-Remaining"] == "0"
        usage = client.get("/api/v1/rate-limits").json()["data"]
        assert {row["name"] for row in usage} == {"ip", "user"}
        wait_until(
            lambda: client.get("/api/v1/analytics/echo").status_code == 200,
            timeout=5,
            interval=0.2,
            what="the bucket to refill",
        )


def test_path_and_query_reach_the_service_as_the_caller_encoded_them(
    gateway: httpx.Client,
) -> None:
    seen = gateway.get("/api/v1/analytics/echo?q=a%2Fb%20c&tag=%E2%82%B9").json()
    assert seen["rawQuery"] == "q=a%2Fb%20c&tag=%E2%82%B9"


def test_a_streamed_answer_arrives_whole(gateway: httpx.Client) -> None:
    response = gateway.get("/api/v1/analytics/export")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.splitlines()
    assert len(lines) == EXPORT_LINES
    assert lines[-1] == f"{EXPORT_LINES - 1},pay_{EXPORT_LINES - 1}"


def test_cookies_a_service_sets_reach_only_the_caller_it_answered(
    gateway: httpx.Client,
) -> None:
    auth = {"Authorization": gateway.headers["Authorization"]}
    with httpx.Client(base_url=str(gateway.base_url), headers=auth) as first:
        set_cookies = first.get("/api/v1/analytics/cookies").headers.get_list("set-cookie")
    assert sorted(cookie.split(";")[0] for cookie in set_cookies) == ["first=1", "second=2"]
    with httpx.Client(base_url=str(gateway.base_url), headers=auth) as second:
        seen = second.get("/api/v1/analytics/echo").json()["headers"]
    assert "cookie" not in seen


def test_requests_are_counted_by_route_and_probes_are_not(gateway: httpx.Client) -> None:
    assert gateway.get("/api/v1/analytics/echo").status_code == 200
    gateway.get("/healthz")
    metrics = gateway.get("/metrics").text
    counted = 'http_requests_total{handler="/api/v1/{path:path}",method="GET",status="200"}'
    assert counted in metrics
    assert 'http_request_duration_seconds_bucket{handler="/api/v1/{path:path}"' in metrics
    assert "http_request_duration_highr_seconds_count" in metrics
    assert 'handler="/healthz"' not in metrics


def test_forwarding_headers_name_each_hop_once(gateway: httpx.Client) -> None:
    seen = gateway.get(
        "/api/v1/analytics/echo",
        headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "gopher"},
    ).json()["headers"]
    # The chain the caller sent, plus the one hop the gateway saw.
    hops = seen["x-forwarded-for"].split(", ")
    assert len(hops) == 2 and hops[0] == "203.0.113.9"
    assert seen["x-forwarded-proto"] == "http"


def test_an_empty_answer_is_relayed_empty(gateway: httpx.Client) -> None:
    response = gateway.delete("/api/v1/analytics/things/thing_1")
    assert response.status_code == 204
    assert response.content == b""


@pytest.mark.parametrize(
    ("credential", "headers", "status", "param"),
    [
        (lambda: mint(SIGNING_KEY), {"Expe-Mode": "production"}, 400, "Expe-Mode"),
        (lambda: mint(SIGNING_KEY), {"Expe-Merchant": "acme"}, 400, "Expe-Merchant"),
        (lambda: api_key(), {"Expe-Merchant": "mer_someoneelse"}, 400, "Expe-Merchant"),
        (lambda: api_key(), {"Expe-Mode": "live"}, 400, "Expe-Mode"),
        (lambda: api_key(), {"Expe-Merchant": "mer_test", "Expe-Mode": "test"}, 200, None),
        (None, {"Expe-Mode": "production"}, 401, None),  # no credentials comes first
    ],
)
def test_merchant_and_mode_headers_must_make_sense_for_the_credential(
    gateway: httpx.Client, credential, headers: dict[str, str], status: int, param: str | None
) -> None:
    sent = {**headers, "Authorization": f"Bearer {credential()}"} if credential else headers
    with httpx.Client(base_url=str(gateway.base_url), headers=sent) as client:
        response = client.get("/api/v1/analytics/echo")
    assert response.status_code == status, response.text
    if status == 400:
        error = response.json()["error"]
        assert (error["code"], error["param"]) == ("context_header_invalid", param)


def test_a_secret_key_reads_its_own_rate_limits(gateway: httpx.Client) -> None:
    with httpx.Client(
        base_url=str(gateway.base_url), headers={"Authorization": f"Bearer {api_key()}"}
    ) as client:
        usage = client.get("/api/v1/rate-limits")
    assert usage.status_code == 200, usage.text
    assert {row["name"] for row in usage.json()["data"]} == {"ip", "apiKey"}


async def test_a_caller_hanging_up_mid_body_is_a_client_error_not_ours() -> None:
    messages = iter([{"type": "http.request", "body": b"{", "more_body": True}])

    async def receive() -> dict[str, object]:
        return next(messages, {"type": "http.disconnect"})

    scope = {"type": "http", "method": "POST", "path": "/api/v1/payments", "headers": []}
    with pytest.raises(ClientClosedRequest) as closed:
        await read_body(Request(scope, receive), limit=1024)
    assert closed.value.status_code == 400
