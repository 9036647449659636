"""Errors of the payments service, each named after the fact it reports."""

from __future__ import annotations

from shared.errors import (
    Conflict,
    ExpeError,
    InvalidRequest,
    PayloadTooLarge,
    PaymentRefused,
    ResourceNotFound,
    Unauthenticated,
)


class PaymentNotFound(ResourceNotFound):
    """No payment with this id exists for the caller's merchant and mode."""

    code = "payment_not_found"


class ClientSecretRequired(Unauthenticated):
    """The checkout opens a payment with its client secret (or the merchant's secret key)."""

    code = "client_secret_required"


class PaymentStateConflict(Conflict):
    """The payment's state does not allow this step (confirm a canceled payment, …)."""

    code = "payment_state_conflict"


class PaymentNotRefundable(Conflict):
    """Only a succeeded payment with something left to refund can be refunded."""

    code = "payment_not_refundable"


class RefundExceedsCaptured(InvalidRequest):
    """The refund would take the refunded total beyond the captured amount."""

    code = "refund_exceeds_captured"


class RefundContended(Conflict):
    """Too many refunds of this payment at once; retrying succeeds."""

    code = "refund_contended"


class MethodUnavailable(InvalidRequest):
    """The payment method cannot be used (not built yet, or not for this currency)."""

    code = "method_unavailable"


class MethodNotAllowed(InvalidRequest):
    """The merchant did not allow this payment method for this payment."""

    code = "payment_method_not_allowed"


class CardNumberInvalid(InvalidRequest):
    """The card number is not a valid card number (length or Luhn check)."""

    code = "card_number_invalid"


class SandboxOnly(InvalidRequest):
    """Simulated outcomes exist in test mode only."""

    code = "sandbox_only"


class WalletNotFound(ResourceNotFound):
    """No wallet with this id belongs to the logged-in customer in the payment's mode."""

    code = "wallet_not_found"


class WalletCurrencyMismatch(InvalidRequest):
    """The customer's wallet holds another currency than the payment's."""

    code = "currency_mismatch"


class MerchantWalletShort(PaymentRefused):
    """The merchant's wallet holds less than the refund of a wallet payment."""

    code = "insufficient_funds"


class WalletShort(PaymentRefused):
    """The customer's wallet holds less than the payment; the payment is now `failed`."""

    code = "insufficient_funds"


class WalletPaymentUnfinished(PaymentRefused):
    """The wallet did not complete the payment (the money stayed in it); the payment is now
    `failed`."""

    code = "processing_error"


class PaymentDeclined(ExpeError):
    """The card's processor declined the payment; the payment is now `failed`."""

    status_code = 402
    type = "card_error"
    code = "card_declined"


class CardDeclined(PaymentDeclined):
    """The card was declined."""


class InsufficientFunds(PaymentDeclined):
    """The card has not enough funds."""

    code = "insufficient_funds"


class ExpiredCard(PaymentDeclined):
    """The card has expired."""

    code = "expired_card"


class IncorrectCvc(PaymentDeclined):
    """The card's security code is wrong."""

    code = "incorrect_cvc"


class ProcessingError(PaymentDeclined):
    """The processor failed while handling the card."""

    code = "processing_error"


DECLINES: dict[str, type[PaymentDeclined]] = {
    cls.code: cls
    for cls in (CardDeclined, InsufficientFunds, ExpiredCard, IncorrectCvc, ProcessingError)
}


class PaymentLinkNotFound(ResourceNotFound):
    """No payment link with this id (or slug) exists for the caller."""

    code = "payment_link_not_found"


class PaymentLinkInactive(Conflict):
    """The merchant deactivated the link; it takes no more payments."""

    code = "payment_link_inactive"


class PaymentLinkExpired(Conflict):
    """The link is past its expiry; it takes no more payments."""

    code = "payment_link_expired"


class PaymentLinkUsed(Conflict):
    """Every payment the link may take has been paid (a one-time link, once)."""

    code = "payment_link_used"


class PaymentLinkBusy(Conflict):
    """Each use of the link still open is being paid just now; one may end unpaid: retry."""

    code = "payment_link_busy"


class PaymentMethodNotFound(ResourceNotFound):
    """No saved card with this id exists for the caller's merchant and mode."""

    code = "payment_method_not_found"


class CardExpiryPassed(ExpeError):
    """The card's expiry month has passed; an expired card cannot be saved. The code and status
    are a declined expired card's, as on the checkout: one code, one status."""

    status_code = 402
    type = "card_error"
    code = "expired_card"


class ChargeReferenceReused(Conflict):
    """The charge's reference made another charge (of another card, amount, currency or order)."""

    code = "charge_reference_reused"


class DisputeNotFound(ResourceNotFound):
    """No dispute with this id exists for the caller's merchant and mode."""

    code = "dispute_not_found"


class PaymentAlreadyDisputed(Conflict):
    """A payment is disputed at most once."""

    code = "payment_already_disputed"


class PaymentNotDisputable(Conflict):
    """Only a succeeded payment with something left after refunds can be disputed."""

    code = "payment_not_disputable"


class PaymentDisputed(Conflict):
    """A disputed payment is not refunded: the dispute decides where its money goes."""

    code = "payment_disputed"


class DisputeNotOpen(Conflict):
    """Evidence is added and submitted only while the dispute needs a response."""

    code = "dispute_not_open"


class DisputeAmountTooLarge(InvalidRequest):
    """A dispute is for at most what is left of the payment after refunds."""

    code = "dispute_amount_too_large"


class EvidenceFileInvalid(InvalidRequest):
    """The file is not valid base64, or its bytes are not of the type it names."""

    code = "evidence_file_invalid"


class EvidenceFileTooLarge(PayloadTooLarge):
    """An evidence file holds at most 512 KiB."""

    code = "evidence_file_too_large"


class EvidenceFilesFull(Conflict):
    """A dispute holds at most 10 evidence files."""

    code = "evidence_files_full"
