"""Errors of the wallet service, named as facts."""

from __future__ import annotations

from shared.errors import (
    Conflict,
    InvalidRequest,
    PaymentRefused,
    PermissionDenied,
    ResourceNotFound,
    ServiceUnavailable,
    Unauthenticated,
)


class WalletNotFound(ResourceNotFound):
    """No wallet with this id belongs to the caller."""

    code = "wallet_not_found"


class RecipientNotFound(ResourceNotFound):
    """No verified user has this email address (which of the two is never told)."""

    code = "recipient_not_found"


class WalletNotOwned(PermissionDenied):
    """The wallet does not belong to the owner the calling service vouches for."""

    code = "wallet_not_owned"


class MovementNotFound(ResourceNotFound):
    """No top-up or transfer with this id touches the caller's wallets."""

    code = "movement_not_found"


class HoldNotFound(ResourceNotFound):
    """No hold with this id exists."""

    code = "hold_not_found"


class InsufficientFunds(PaymentRefused):
    """The wallet's available balance is smaller than the amount."""

    code = "insufficient_funds"


class TopupDeclined(PaymentRefused):
    """The funding source declined the top-up."""

    code = "topup_declined"


class CurrencyMismatch(InvalidRequest):
    """The amount's currency differs from the wallet's, or the two wallets' currencies differ."""

    code = "currency_mismatch"


class SameWallet(InvalidRequest):
    """A transfer needs two different wallets."""

    code = "same_wallet"


class ModeMismatch(InvalidRequest):
    """Test-mode and live-mode money never meet."""

    code = "mode_mismatch"


class IdempotencyKeyRequired(InvalidRequest):
    """Moving money needs an Idempotency-Key, so a retry cannot move it twice."""

    code = "idempotency_key_required"


class MovementReused(Conflict):
    """The id (idempotency key or reference) was used before for a different movement."""

    code = "idempotency_key_reused"


class HoldNotActive(Conflict):
    """The hold was declined, or is already captured or released."""

    code = "hold_not_active"


class WalletOwnerUnknown(Unauthenticated):
    """The caller is neither a logged-in user nor acting for a merchant."""

    code = "wallet_owner_unknown"


class WalletBusy(ServiceUnavailable):
    """Too many concurrent changes to one wallet; retry with the same Idempotency-Key."""

    code = "wallet_busy"


class RoleRequired(PermissionDenied):
    """Only a merchant's owners (or its secret keys) may move the merchant's money."""

    code = "role_required"
