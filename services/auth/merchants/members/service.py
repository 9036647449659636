"""Inviting members, joining by invitation, changing roles and removing members."""

from __future__ import annotations

import hmac
import secrets
import string
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from services.auth.audit.service import (
    MEMBER_INVITED,
    MEMBER_JOINED,
    MEMBER_REMOVED,
    MEMBER_ROLE_CHANGED,
)
from services.auth.digest import digest
from services.auth.errors import (
    AlreadyMember,
    EmailNotVerified,
    InvalidToken,
    InvitationEmailMismatch,
    LastOwnerRequired,
    MemberNotFound,
    MerchantNotFound,
)
from services.auth.mail import Mailer
from services.auth.merchants.acting import Actor, caller_email
from services.auth.merchants.locks import Locks
from services.auth.merchants.members.schemas import (
    Invitation,
    InvitationCreate,
    Member,
    MemberUpdate,
)
from services.auth.merchants.members.store import InvitationStore
from services.auth.merchants.service import ANY_ROLE, OWNER, require_role
from services.auth.merchants.store import MerchantStore, membership_id
from services.auth.settings import AuthSettings
from shared.clock import now_ms
from shared.errors import ServiceUnavailable
from shared.identity import MemberRole
from shared.ids import has_prefix, new_id
from shared.mongo import Document
from shared.paging import Page, Paging

_ALPHABET = string.ascii_letters + string.digits


def member_view(doc: Document) -> Member:
    return Member(
        merchant_id=doc["merchantId"],
        user_id=doc["userId"],
        email=doc.get("email"),
        role=doc["role"],
        joined_at=doc["joinedAt"],
    )


def invitation_view(doc: Document) -> Invitation:
    return Invitation(
        id=doc["_id"],
        merchant_id=doc["merchantId"],
        email=doc["email"],
        role=doc["role"],
        status=doc["status"],
        created_at=doc["createdAt"],
        expires_at=doc["expiresAt"],
    )


class MemberService:
    def __init__(
        self,
        store: MerchantStore,
        invitations: InvitationStore,
        actor: Actor,
        settings: AuthSettings,
        locks: Locks,
    ) -> None:
        self._locks = locks
        self._store = store
        self._invitations = invitations
        self._actor = actor
        self._settings = settings

    async def invite(self, merchant_id: str, body: InvitationCreate, mailer: Mailer) -> Invitation:
        access = await require_role(self._store, merchant_id, self._actor.user_id, OWNER)
        email = body.email
        if await self._store.member_by_email(merchant_id, email) is not None:
            raise AlreadyMember(f"{email} is a member of this merchant already.", param="email")
        now = now_ms()
        invitation_id = new_id("inv")
        # The token names its invitation, so accepting it is an `_id` lookup; only its hash is
        # kept. Letters, digits and underscores only: it survives any link or copy-paste.
        token = f"{invitation_id}_{''.join(secrets.choice(_ALPHABET) for _ in range(43))}"
        invitation: Document = {
            "_id": invitation_id,
            "merchantId": merchant_id,
            "email": email,
            "role": body.role,
            "tokenHash": digest(token),
            "status": "pending",
            "createdAt": now,
            "createdBy": self._actor.user_id,
            "expiresAt": now + timedelta(seconds=self._settings.invitation_ttl_seconds),
        }
        await self._invitations.insert(invitation)
        try:
            await mailer.send(email, *self._invitation_email(access.merchant, invitation, token))
        except ServiceUnavailable:
            await self._invitations.delete(invitation_id)
            raise
        await self._actor.record(
            MEMBER_INVITED,
            merchant_id=merchant_id,
            target={"invitationId": invitation_id, "email": email, "role": body.role},
        )
        return invitation_view(invitation)

    def _invitation_email(
        self, merchant: Document, invitation: Document, token: str
    ) -> tuple[str, str]:
        inviter = self._actor.email or "A colleague"
        link = f"{self._settings.public_url.rstrip('/')}/invitations/accept?token={quote(token)}"
        subject = f"You're invited to join {merchant['name']} on Expe"
        text = (
            f"{inviter} invited you to join {merchant['name']} on Expe as a {invitation['role']}.\n"
            "\n"
            f"Accept the invitation:\n{link}\n"
            "\n"
            "Or paste this invitation token in the dashboard:\n"
            f"{token}\n"
            "\n"
            f"It can be used once, until {invitation['expiresAt']:%Y-%m-%d %H:%M} UTC. "
            "If you did not expect it, ignore this email.\n"
        )
        return subject, text

    async def accept(self, token: str) -> Member:
        invitation_id = token.rpartition("_")[0]
        invitation = None
        if has_prefix(invitation_id, "inv"):
            invitation = await self._invitations.get(invitation_id)
        if invitation is None or not hmac.compare_digest(invitation["tokenHash"], digest(token)):
            raise InvalidToken("This invitation is unknown, used or expired.", param="token")
        async with self._locks.hold(f"invitation:{invitation_id}"):
            return await self._accept(invitation_id)

    async def _accept(self, invitation_id: str) -> Member:
        invitation = await self._invitations.get(invitation_id)
        if invitation is None:
            raise InvalidToken("This invitation is unknown, used or expired.", param="token")
        user_id = self._actor.user_id
        merchant_id: str = invitation["merchantId"]
        now = now_ms()
        if invitation["status"] == "accepted" and invitation.get("acceptedBy") == user_id:
            # The same user again (a retry): make sure the membership exists, then answer the same.
            return await self._join(invitation, user_id, now)
        if invitation["status"] != "pending" or invitation["expiresAt"] <= now:
            raise InvalidToken("This invitation is unknown, used or expired.", param="token")
        if not self._actor.caller.email_verified:
            raise EmailNotVerified("Verify your email address before accepting an invitation.")
        if caller_email(self._actor.caller) != invitation["email"]:
            raise InvitationEmailMismatch(
                "This invitation was sent to another email address than yours."
            )
        if await self._store.membership(merchant_id, user_id) is not None:
            raise AlreadyMember("You are a member of this merchant already.")
        await self._invitations.mark_accepted(invitation_id, user_id, now)
        member = await self._join(invitation, user_id, now)
        await self._actor.record(
            MEMBER_JOINED,
            merchant_id=merchant_id,
            target={"userId": user_id, "role": member.role, "invitationId": invitation_id},
        )
        return member

    async def _join(self, invitation: Document, user_id: str, now: datetime) -> Member:
        merchant_id: str = invitation["merchantId"]
        membership: Document = {
            "_id": membership_id(merchant_id, user_id),
            "merchantId": merchant_id,
            "userId": user_id,
            "email": invitation["email"],
            "role": invitation["role"],
            "joinedAt": now,
        }
        if not await self._store.insert_membership(membership):
            existing = await self._store.membership(merchant_id, user_id)
            membership = existing or membership
        return member_view(membership)

    async def pending_invitations(self, merchant_id: str) -> list[Invitation]:
        await require_role(self._store, merchant_id, self._actor.user_id, OWNER)
        pending = await self._invitations.pending(merchant_id, datetime.now(UTC))
        return [invitation_view(doc) for doc in pending]

    async def list(self, merchant_id: str, paging: Paging) -> Page[Member]:
        await require_role(self._store, merchant_id, self._actor.user_id, ANY_ROLE)
        members, total = await self._store.members(
            merchant_id, skip=paging.skip, limit=paging.limit
        )
        return Page.of([member_view(m) for m in members], paging, total)

    async def change_role(self, merchant_id: str, user_id: str, body: MemberUpdate) -> Member:
        async with self._members_lock(merchant_id):
            await require_role(self._store, merchant_id, self._actor.user_id, OWNER)
            member = await self._member(merchant_id, user_id)
            old: MemberRole = member["role"]
            new = body.role
            if old == new:
                return member_view(member)
            if old == "owner":
                await self._keep_an_owner(merchant_id)
            updated = await self._store.set_role(merchant_id, user_id, new)
        if updated is None:
            raise MemberNotFound(f"{user_id} is not a member of this merchant.", param="userId")
        await self._actor.record(
            MEMBER_ROLE_CHANGED,
            merchant_id=merchant_id,
            target={"userId": user_id, "from": old, "to": new},
        )
        return member_view(updated)

    async def remove(self, merchant_id: str, user_id: str) -> None:
        async with self._members_lock(merchant_id):
            await require_role(self._store, merchant_id, self._actor.user_id, OWNER)
            member = await self._member(merchant_id, user_id)
            if member["role"] == "owner":
                await self._keep_an_owner(merchant_id)
            await self._store.delete_membership(merchant_id, user_id)
        await self._actor.record(
            MEMBER_REMOVED,
            merchant_id=merchant_id,
            target={"userId": user_id, "role": member["role"], "email": member.get("email")},
        )

    def _members_lock(self, merchant_id: str) -> AbstractAsyncContextManager[None]:
        """Role changes and removals in one merchant one at a time: "is there another owner?"
        must still hold when the change is written."""
        if not has_prefix(merchant_id, "mer"):
            raise MerchantNotFound(f"No merchant {merchant_id} among yours.", param="merchantId")
        return self._locks.hold(f"members:{merchant_id}")

    async def _member(self, merchant_id: str, user_id: str) -> Document:
        member = await self._store.membership(merchant_id, user_id)
        if member is None:
            raise MemberNotFound(f"{user_id} is not a member of this merchant.", param="userId")
        return member

    async def _keep_an_owner(self, merchant_id: str) -> None:
        if await self._store.count_owners(merchant_id) <= 1:
            raise LastOwnerRequired("A merchant needs an owner: make someone else owner first.")
