"""Before forwarding: who is calling, may they, and are they within their limits."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from gateway.access import audience_of, authorize
from gateway.clientip import client_ip
from gateway.credentials import Authenticated, Authenticator
from gateway.ratelimit import BucketState, RateLimiter
from shared.errors import ExpeError, PermissionDenied, RateLimited, Unauthenticated
from shared.identity import Caller


@dataclass(frozen=True)
class Admission:
    authenticated: Authenticated
    rate_limit: BucketState | None


class Guard:
    def __init__(
        self,
        authenticator: Authenticator,
        limiter: RateLimiter | None,
        trusted_proxies: tuple[str, ...] = (),
    ) -> None:
        self._authenticator = authenticator
        self._limiter = limiter
        self._trusted_proxies = trusted_proxies

    async def admit(self, request: Request, *, charge: bool = True) -> Admission:
        """Authenticates, authorizes and (when `charge`) rate-limits; raises the error the
        caller should see."""
        authenticated: Authenticated | None = None
        try:
            authenticated = await self._authenticator.authenticate(request)
            authorize(authenticated.caller, audience_of(request.method, request.url.path))
        except Unauthenticated as error:
            # Failed credentials still count against the address, so guessing keys is slow too;
            # credentials sent and refused count against its failures as well.
            guessed = bool(request.headers.get("authorization"))
            await self._charge_ip_only(request, error, guessed=guessed)
            raise
        except PermissionDenied as error:
            # A refusal counts too, and says what is left like every other answer.
            if authenticated is None:
                await self._charge_ip_only(request, error)
            elif charge and (state := await self._charge(authenticated)) is not None:
                error.headers.update(state.headers())
            raise
        state = await self._charge(authenticated) if charge else None
        return Admission(authenticated, state)

    async def limit_headers(self, request: Request) -> dict[str, str]:
        """The `RateLimit-*` headers of an answer that needs no credentials, charged like any
        other request: the caller's bucket when it has good ones, its address's otherwise."""
        try:
            admission = await self.admit(request)
        except (Unauthenticated, PermissionDenied) as error:
            return error.headers
        return admission.rate_limit.headers() if admission.rate_limit else {}

    async def _charge(self, authenticated: Authenticated) -> BucketState | None:
        if self._limiter is None:
            return None
        states = await self._limiter.check(
            self._limiter.buckets(authenticated.caller, authenticated.plan)
        )
        if states is None:
            return None  # Redis is down: let through, unlimited (RateLimiter.check says why)
        reported = self._limiter.reported(states)
        if not reported.allowed:
            raise RateLimited(
                f"Too many requests: the {reported.bucket.name} limit is "
                f"{reported.bucket.limit.limit} per {reported.bucket.limit.window_seconds:g}s. "
                f"Retry after {reported.headers()['Retry-After']}s.",
                headers=reported.headers(),
            )
        return reported

    async def _charge_ip_only(
        self, request: Request, error: ExpeError, *, guessed: bool = False
    ) -> None:
        if self._limiter is None:
            return
        caller = Caller(kind="anonymous", ip=client_ip(request, self._trusted_proxies))
        buckets = self._limiter.buckets(caller)
        if guessed:
            buckets.append(self._limiter.failed_credentials(caller.ip))
        states = await self._limiter.check(buckets)
        if states is None:
            return
        state = self._limiter.reported(states)
        if not state.allowed:
            raise RateLimited("Too many requests from this address.", headers=state.headers())
        error.headers.update(state.headers())
