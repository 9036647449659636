"""Errors of the auth service, named as facts."""

from __future__ import annotations

from shared.errors import (
    Conflict,
    ExpeError,
    PermissionDenied,
    RateLimited,
    ResourceNotFound,
    Unauthenticated,
)


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


class MerchantNotFound(ResourceNotFound):
    """No merchant with this id exists among the caller's merchants."""


class ProjectNotFound(ResourceNotFound):
    """No project with this id exists among the caller's merchants."""


class MemberNotFound(ResourceNotFound):
    """The user is not a member of this merchant."""


class ApiKeyNotFound(ResourceNotFound):
    """No API key with this id exists among the caller's merchants."""


class ApiKeyInvalid(ResourceNotFound):
    """The API key is unknown, revoked or past its rotation grace period (the auth service's
    internal answer; callers of the API get the gateway's 401 `api_key_invalid`)."""

    code = "api_key_unknown"


class PlatformAdminRequired(PermissionDenied):
    """Only a platform operator with a verified email may do this."""

    code = "platform_admin_required"


class MerchantNotVerified(PermissionDenied):
    """Live-mode keys need a merchant the platform has verified."""

    code = "merchant_not_verified"


class EmailNotVerified(PermissionDenied):
    """The caller's email address is not verified yet."""

    code = "email_not_verified"


class InvitationEmailMismatch(PermissionDenied):
    """The invitation was sent to another email address than the caller's."""

    code = "invitation_email_mismatch"


class AlreadyMember(Conflict):
    """The user is already a member of this merchant."""

    code = "already_member"


class LastOwnerRequired(Conflict):
    """A merchant keeps at least one owner: its last owner cannot leave or be demoted."""

    code = "last_owner"


class ApiKeyNotActive(Conflict):
    """The API key was revoked or already rotated, so it cannot be rotated again."""

    code = "api_key_not_active"


class InvalidRefreshToken(Unauthenticated):
    """The refresh token is unknown, expired, already used, or its session has ended."""

    code = "invalid_refresh_token"


class IncorrectPassword(ExpeError):
    """The current password given to confirm a change is wrong."""

    code = "incorrect_password"


class TwoFactorRequired(Unauthenticated):
    """The password was right; a valid two-factor or recovery code is needed as well."""

    code = "two_factor_required"


class InvalidTwoFactorCode(ExpeError):
    """The two-factor code is wrong, expired or was already used."""

    code = "invalid_two_factor_code"


class TwoFactorAlreadyEnabled(Conflict):
    """Two-factor authentication is already on for this account."""

    code = "two_factor_already_enabled"


class TwoFactorNotEnabled(Conflict):
    """Two-factor authentication is not on for this account."""

    code = "two_factor_not_enabled"


class TwoFactorNotEnrolled(Conflict):
    """There is no two-factor enrolment to confirm; start one first."""

    code = "two_factor_not_enrolled"


class GracePeriodTooLong(ExpeError):
    """A rotated key's grace period is longer than the platform allows."""

    code = "grace_period_too_long"


class ChangeInProgress(Conflict):
    """Another change to the same resource is under way; retry in a moment."""

    code = "change_in_progress"
