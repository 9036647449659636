"""What the gateway asks about a user's standing in a merchant."""

from __future__ import annotations

from services.auth.errors import MemberNotFound
from services.auth.internal.schemas import GatewayMembership
from services.auth.merchants.service import membership_access
from services.auth.merchants.store import MerchantStore


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
