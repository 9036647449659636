"""Errors of the auth service, named as facts."""

from __future__ import annotations

from shared.errors import Conflict, ExpeError, PermissionDenied, RateLimited, Unauthenticated


class EmailAlreadyRegistered(Conflict):
    """An account with this email exists."""

    code = "email_already_registered"


class WeakPassword(ExpeError):
    """The password does not meet the policy."""

    code = "weak_password"


class InvalidCredentials(Unauthenticated):
    """Email or password is wrong (never says which)."""

    code = "invalid_credentials"


class TooManyAttempts(RateLimited):
    """Too many failed attempts; wait for Retry-After."""

    code = "too_many_attempts"


class InvalidToken(ExpeError):
    """A one-time token is unknown, used or expired."""

    code = "invalid_token"


class RoleRequired(PermissionDenied):
    """The caller's role in the merchant does not allow this."""

    code = "role_required"
