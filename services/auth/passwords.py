"""Password hashing (argon2id through libpass) and the password policy."""

from __future__ import annotations

import asyncio
import secrets
from functools import cache
from pathlib import Path

from passlib.context import CryptContext  # type: ignore[import-untyped]

from services.auth.errors import WeakPassword
from services.auth.settings import PasswordHashSettings

MIN_LENGTH = 10
MAX_LENGTH = 128
# Below this length the local part of an email is too common a substring to forbid ("jo", "ab").
_MIN_LOCAL_PART_TO_MATCH = 3
_COMMON_PASSWORDS = Path(__file__).parent / "users" / "common_passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    lines = _COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def check_policy(password: str, email: str) -> None:
    """Raises `WeakPassword` naming the first rule the password breaks."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(
            f"The password must be at least {MIN_LENGTH} characters long.", param="password"
        )
    if len(password) > MAX_LENGTH:
        raise WeakPassword(
            f"The password must be at most {MAX_LENGTH} characters long.", param="password"
        )
    lowered = password.lower()
    if lowered in common_passwords():
        raise WeakPassword(
            "This password is one of the most commonly used passwords; choose another.",
            param="password",
        )
    local_part = email.rpartition("@")[0].lower()
    if lowered == local_part or (
        len(local_part) >= _MIN_LOCAL_PART_TO_MATCH and local_part in lowered
    ):
        raise WeakPassword(
            "The password must not contain the first part of your email address.",
            param="password",
        )


class PasswordHasher:
    """Argon2id at the configured cost; hashing runs in a worker thread, off the event loop."""

    def __init__(self, settings: PasswordHashSettings) -> None:
        self._context = CryptContext(
            schemes=["argon2"],
            argon2__type="ID",
            argon2__time_cost=settings.time_cost,
            argon2__memory_cost=settings.memory_cost_kib,
            argon2__parallelism=settings.parallelism,
        )
        # Verified against when the account does not exist, so both cases cost the same.
        self._dummy_hash: str = self._context.hash(secrets.token_urlsafe(16))

    async def hash(self, password: str) -> str:
        digest: str = await asyncio.to_thread(self._context.hash, password)
        return digest

    async def verify(self, password: str, stored_hash: str | None) -> tuple[bool, str | None]:
        """(matches, new hash when the stored one used other parameters, else None).

        Without a stored hash the work is done against a dummy one and the answer is no.
        """
        target = stored_hash if stored_hash is not None else self._dummy_hash
        matches, new_hash = await asyncio.to_thread(
            self._context.verify_and_update, password, target
        )
        if stored_hash is None:
            return False, None
        return bool(matches), new_hash
