"""Turns a request's credentials into a `Caller`: an access token (JWT), an API key, or nobody.

Access tokens are verified here with the auth service's published keys. API keys are resolved by
the auth service and the answer remembered for a few seconds (gateway/answers.py), which bounds how
long a revoked key keeps working. Session revocations (logout, password change) are read from Redis.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from dataclasses import dataclass
from typing import Any

import jwt
from redis.asyncio import Redis
from redis.exceptions import RedisError
from starlette.requests import Request

from gateway.answers import Answer, RememberedAnswers
from gateway.clientip import client_ip, parse_networks
from gateway.jwks import JwksCache
from gateway.settings import GatewaySettings
from shared.errors import InvalidRequest, PermissionDenied, ServiceUnavailable, Unauthenticated
from shared.identity import Caller
from shared.internal_http import InternalClient

_API_KEY = re.compile(r"^(sk|pk)_(test|live)_[A-Za-z0-9]{16,64}$")
_MERCHANT_IN_PATH = re.compile(r"^/api/v1/merchants/(mer_[A-Za-z0-9]+)")
MERCHANT_HEADER = "Expe-Merchant"
MODE_HEADER = "Expe-Mode"
MERCHANT_ID = re.compile(r"^mer_[A-Za-z0-9]{1,60}$")


def revoked_session_key(session_id: str) -> str:
    """Where the auth service marks a revoked session, until its last access token expires."""
    return f"expe:revoked-session:{session_id}"


class InvalidAccessToken(Unauthenticated):
    """The access token is malformed, forged, expired or signed by an unknown key."""

    code = "invalid_access_token"


class InvalidApiKey(Unauthenticated):
    """The API key is unknown, revoked or past its rotation grace period."""

    code = "api_key_invalid"


class IpNotAllowed(PermissionDenied):
    """The API key may only be used from its allow-listed addresses."""

    code = "ip_not_allowed"


class ContextHeaderInvalid(InvalidRequest):
    """`Expe-Mode` is not `test` or `live`, `Expe-Merchant` is not a merchant id, or an API key
    was sent with another merchant or mode than its own."""

    code = "context_header_invalid"


def _context_headers(request: Request) -> tuple[str | None, str | None]:
    """`Expe-Merchant` and `Expe-Mode` as sent, refused when they cannot be right."""
    merchant = request.headers.get(MERCHANT_HEADER)
    mode = request.headers.get(MODE_HEADER)
    if mode is not None and mode not in ("test", "live"):
        raise ContextHeaderInvalid(f"{MODE_HEADER} must be `test` or `live`.", param=MODE_HEADER)
    if merchant is not None and not MERCHANT_ID.match(merchant):
        raise ContextHeaderInvalid(
            f"{MERCHANT_HEADER} must be a merchant id (`mer_…`).", param=MERCHANT_HEADER
        )
    return merchant, mode


def _check_key_context(caller: Caller, merchant: str | None, mode: str | None) -> None:
    if merchant is not None and merchant != caller.merchant_id:
        raise ContextHeaderInvalid(
            f"This API key acts for {caller.merchant_id}; drop {MERCHANT_HEADER} or use a key "
            "of that merchant's.",
            param=MERCHANT_HEADER,
        )
    if mode is not None and mode != caller.mode:
        raise ContextHeaderInvalid(
            f"This is a {caller.mode} mode key; drop {MODE_HEADER} or use a {mode} key.",
            param=MODE_HEADER,
        )


@dataclass(frozen=True)
class Authenticated:
    caller: Caller
    # The merchant's plan, which sets an API key's rate limit.
    plan: str | None = None


class Authenticator:
    def __init__(
        self, settings: GatewaySettings, auth: InternalClient, redis: Redis, jwks: JwksCache
    ) -> None:
        self._settings = settings
        self._auth = auth
        self._redis = redis
        self._jwks = jwks
        self._answers = RememberedAnswers(redis, settings.credential_cache_seconds)

    async def authenticate(self, request: Request) -> Authenticated:
        ip = client_ip(request, self._settings.trusted_proxies)
        scheme, _, credential = request.headers.get("authorization", "").partition(" ")
        if not credential:
            return Authenticated(Caller(kind="anonymous", ip=ip))
        if scheme.lower() != "bearer":
            raise Unauthenticated("Use `Authorization: Bearer <access token or API key>`.")
        credential = credential.strip()
        merchant, mode = _context_headers(request)
        if credential.startswith(("sk_", "pk_")):
            authenticated = await self.api_key(credential, ip)
            _check_key_context(authenticated.caller, merchant, mode)
            return authenticated
        context = merchant or self._merchant_in_path(request)
        caller, _ = await self.user(credential, ip, context, mode or "test")
        return Authenticated(caller)

    async def user(
        self, token: str, ip: str | None, merchant_id: str | None, mode: str
    ) -> tuple[Caller, int]:
        """The person an access token names, acting for `merchant_id` (when a member) in
        `mode`, and when the token expires (seconds since 1970)."""
        claims = await self._verified_claims(token)
        session_id = str(claims.get("sid", ""))
        if await self._session_revoked(session_id):
            raise InvalidAccessToken("This session was signed out; log in again.")
        if mode not in ("test", "live"):
            raise Unauthenticated(f"{MODE_HEADER} must be `test` or `live`.")
        caller = Caller(
            kind="user",
            ip=ip,
            user_id=claims["sub"],
            email=claims.get("email"),
            email_verified=bool(claims.get("ev")),
            platform_admin=bool(claims.get("adm")),
            session_id=session_id,
            mode=mode,
        )
        expires = int(claims["exp"])
        if merchant_id is None:
            return caller, expires
        membership = await self._membership(merchant_id, claims["sub"])
        if membership is None:
            # Not a member: no merchant context; the owning service answers as it sees fit.
            return caller, expires
        member = caller.model_copy(update={"merchant_id": merchant_id, "role": membership["role"]})
        return member, expires

    async def _verified_claims(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise InvalidAccessToken("The access token is malformed.") from None
        key = await self._jwks.key(str(header.get("kid", "")))
        if key is None:
            raise InvalidAccessToken("The access token was signed by an unknown key.")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=["EdDSA"],
                audience=self._settings.jwt_audience,
                issuer=self._settings.jwt_issuer,
                options={"require": ["exp", "iat", "sub", "sid"]},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidAccessToken("The access token has expired; refresh it.") from None
        except jwt.PyJWTError:
            raise InvalidAccessToken("The access token is not valid.") from None
        return claims

    @staticmethod
    def _merchant_in_path(request: Request) -> str | None:
        match = _MERCHANT_IN_PATH.match(request.url.path)
        return match.group(1) if match else None

    async def _membership(self, merchant_id: str, user_id: str) -> Answer:
        return await self._resolve_cached(
            f"expe:gw:member:{merchant_id}:{user_id}",
            "GET",
            f"/internal/v1/memberships/{merchant_id}/{user_id}",
            None,
        )

    async def api_key(self, key: str, ip: str | None) -> Authenticated:
        """The merchant, project and mode an API key acts for; raises when it is not good."""
        if not _API_KEY.match(key):
            raise InvalidApiKey("The API key is not valid.")
        digest = hashlib.sha256(key.encode()).hexdigest()
        resolved = await self._resolve_cached(
            f"expe:gw:apikey:{digest}", "POST", "/internal/v1/api-keys/resolve", {"key": key}
        )
        if resolved is None:
            raise InvalidApiKey("The API key is not valid.")
        allowlist = resolved.get("ipAllowlist") or []
        if allowlist and not _ip_allowed(ip, allowlist):
            raise IpNotAllowed(f"This API key may not be used from {ip}.")
        caller = Caller(
            kind="api_key",
            ip=ip,
            merchant_id=resolved["merchantId"],
            project_id=resolved["projectId"],
            key_id=resolved["keyId"],
            key_type=resolved["type"],
            mode=resolved["mode"],
        )
        return Authenticated(caller, plan=resolved.get("plan"))

    async def _resolve_cached(
        self, cache_key: str, method: str, path: str, body: dict[str, Any] | None
    ) -> Answer:
        """Asks the auth service, remembering the answer (also "no such thing") briefly."""
        found, answer = await self._answers.get(cache_key)
        if found:
            return answer
        response = await self._auth.request(method, path, json=body)
        if response.status_code == 404:
            answer = None
        elif response.status_code == 200:
            answer = response.json()
        else:
            raise ServiceUnavailable("Credentials could not be checked; try again shortly.")
        await self._answers.put(cache_key, answer)
        return answer

    async def _session_revoked(self, session_id: str) -> bool:
        # Fails closed, unlike rate limits and the credential cache: a revoked session lives
        # only in Redis, and a dashboard that waits is better than one a thief is back in.
        try:
            return bool(await self._redis.exists(revoked_session_key(session_id)))
        except RedisError:
            raise ServiceUnavailable("The credential cache is unavailable.") from None


def _ip_allowed(ip: str | None, allowlist: list[str]) -> bool:
    if ip is None:
        return False
    address = ipaddress.ip_address(ip)
    # Parsed once per distinct allowlist: a changed allowlist is another key.
    return any(address in network for network in parse_networks(tuple(allowlist)))
