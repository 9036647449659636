"""What the gateway asks about a user's standing in a merchant, and services about an email."""

from __future__ import annotations

from services.auth.errors import MemberNotFound, MerchantNotFound
from services.auth.internal.schemas import GatewayMembership, MerchantProfile, UserByEmail
from services.auth.merchants.service import membership_access
from services.auth.merchants.store import MerchantStore
from services.auth.users.service import normalize_email
from services.auth.users.store import UserStore
from shared.errors import ResourceNotFound


class UserNotFound(ResourceNotFound):
    """No user is registered with this email address."""

    code = "user_not_found"


async def gateway_membership(
    store: MerchantStore, merchant_id: str, user_id: str
) -> GatewayMembership:
    """The user's role in the merchant, with the merchant's status and plan (two `_id` reads)."""
    found = await membership_access(store, merchant_id, user_id)
    if found is None:
        raise MemberNotFound(f"{user_id} is not a member of {merchant_id}.")
    membership, merchant = found
    return GatewayMembership(
        role=membership["role"], merchant_status=merchant["status"], plan=merchant["plan"]
    )


async def user_by_email(store: UserStore, email: str) -> UserByEmail:
    """The user registered with this email, normalized as registration does (two `_id` reads:
    `user_emails`, then the user)."""
    normalized = normalize_email(email)
    user = await store.get_by_email(normalized)
    if user is None or user.get("email") != normalized:
        raise UserNotFound("No user is registered with this email address.")
    return UserByEmail(user_id=user["_id"], email_verified=bool(user.get("emailVerified")))


async def merchant_profile(store: MerchantStore, merchant_id: str) -> MerchantProfile:
    """The merchant's public face (one `_id` read)."""
    merchant = await store.merchant(merchant_id)
    if merchant is None:
        raise MerchantNotFound(f"No merchant {merchant_id}.")
    return MerchantProfile(id=merchant["_id"], name=merchant["name"], status=merchant["status"])
