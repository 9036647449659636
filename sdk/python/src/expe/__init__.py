"""Expe's Python SDK: `expe.Expe("sk_test_…")`, or `expe.AsyncExpe("sk_test_…")` for asyncio."""

from expe import models, webhooks
from expe._client import AsyncExpe, Expe
from expe._files import ExportedFile
from expe._pagination import AsyncPage, ItemList, SyncPage
from expe._response import ResponseInfo
from expe._version import __version__
from expe.errors import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    AuthenticationError,
    CardError,
    ConflictError,
    ExpeError,
    IdempotencyError,
    InvalidRequestError,
    NotFoundError,
    PaymentError,
    PermissionDeniedError,
    RateLimitError,
    SignatureVerificationError,
)

__all__ = [
    "ApiConnectionError",
    "ApiError",
    "ApiTimeoutError",
    "AsyncExpe",
    "AsyncPage",
    "AuthenticationError",
    "CardError",
    "ConflictError",
    "Expe",
    "ExpeError",
    "ExportedFile",
    "IdempotencyError",
    "InvalidRequestError",
    "ItemList",
    "NotFoundError",
    "PaymentError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseInfo",
    "SignatureVerificationError",
    "SyncPage",
    "__version__",
    "models",
    "webhooks",
]
