"""The published public keys."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

router = APIRouter(tags=["auth"])


@router.get("/.well-known/jwks.json", summary="The token signing keys (JWKS)")
async def jwks(request: Request, response: Response) -> dict[str, Any]:
    """The public keys that verify Expe access tokens (RFC 7517)."""
    response.headers["Cache-Control"] = "public, max-age=300"
    keys: dict[str, Any] = request.app.state.key_ring.jwks()
    return keys
