"""How auth stores secrets it must recognise but never keep: their SHA-256.

Tokens and API keys are long random strings, so a fast hash is enough to make a stolen database
useless (no dictionary to try); the digest doubles as the `_id` that finds them in one lookup.
"""

from __future__ import annotations

import hashlib


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
