"""Telling the gateway at once that a session ended, before its access tokens expire.

The gateway verifies access tokens on its own, so a revoked session's tokens would stay usable
until they expire. Each revocation therefore also sets `expe:revoked-session:<sessionId>` in
Redis for as long as an access token of that session can live; the gateway refuses any token
whose `sid` is there.
"""

from __future__ import annotations

from redis.asyncio import Redis
from redis.exceptions import RedisError

from shared.errors import ServiceUnavailable

# Covers clock skew and tokens issued while the revocation was being written.
_MARGIN_SECONDS = 60


def revoked_session_key(session_id: str) -> str:
    """The Redis key whose presence means the session's access tokens must be refused."""
    return f"expe:revoked-session:{session_id}"


async def publish_revoked_session(redis: Redis, session_id: str, access_ttl_seconds: int) -> None:
    try:
        await redis.set(revoked_session_key(session_id), 1, ex=access_ttl_seconds + _MARGIN_SECONDS)
    except RedisError as error:
        # The session is already revoked in the database; the caller may simply retry.
        raise ServiceUnavailable("The session could not be ended everywhere; retry.") from error
