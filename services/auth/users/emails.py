"""The texts of the emails accounts receive. Each carries a link and the bare token on its own
line, for a dashboard that asks for it to be pasted."""

from __future__ import annotations

from urllib.parse import urlencode


def _link(public_url: str, page: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/{page}?{urlencode({'token': token})}"


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = max(1, seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def verification_email(
    *, public_url: str, name: str, token: str, ttl_seconds: int
) -> tuple[str, str]:
    subject = "Confirm your email address for Expe"
    text = (
        f"Hello {name},\n\n"
        "Confirm your email address by opening this link:\n\n"
        f"{_link(public_url, 'verify-email', token)}\n\n"
        "Or enter this code in the dashboard:\n\n"
        f"{token}\n\n"
        f"The link works once and expires in {_duration(ttl_seconds)}. "
        "If you did not sign up for Expe, ignore this email.\n"
    )
    return subject, text


def password_reset_email(
    *, public_url: str, name: str, token: str, ttl_seconds: int
) -> tuple[str, str]:
    subject = "Reset your Expe password"
    text = (
        f"Hello {name},\n\n"
        "Someone asked to reset the password of your Expe account. To choose a new one, "
        "open this link:\n\n"
        f"{_link(public_url, 'reset-password', token)}\n\n"
        "Or enter this code in the dashboard:\n\n"
        f"{token}\n\n"
        f"The link works once and expires in {_duration(ttl_seconds)}. "
        "If you did not ask for this, ignore this email: your password stays as it is.\n"
    )
    return subject, text
