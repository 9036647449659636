"""Member and invitation routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from services.auth.deps import Settings
from services.auth.errors import (
    AlreadyMember,
    ChangeInProgress,
    EmailNotVerified,
    InvalidToken,
    InvitationEmailMismatch,
    LastOwnerRequired,
    MemberNotFound,
    MerchantNotFound,
    RoleRequired,
)
from services.auth.mail import Mailer
from services.auth.merchants.deps import ActorDep, MerchantStoreDep
from services.auth.merchants.locks import Locks
from services.auth.merchants.members.schemas import (
    Invitation,
    InvitationAccept,
    InvitationCreate,
    InvitationList,
    Member,
    MemberUpdate,
)
from services.auth.merchants.members.service import MemberService
from services.auth.merchants.members.store import InvitationStore
from shared.app import Database
from shared.idempotency import IdempotentRoute
from shared.openapi import errors
from shared.paging import Page, PagingDep

router = APIRouter(tags=["members"], route_class=IdempotentRoute)


async def member_service(
    db: Database, store: MerchantStoreDep, actor: ActorDep, settings: Settings
) -> MemberService:
    return MemberService(store, InvitationStore(db), actor, settings, Locks(db))


async def mailer(request: Request) -> Mailer:
    sender: Mailer = request.app.state.mailer
    return sender


Members = Annotated[MemberService, Depends(member_service)]
MailerDep = Annotated[Mailer, Depends(mailer)]


@router.post(
    "/api/v1/merchants/{merchant_id}/members",
    status_code=201,
    summary="Invite a member",
    responses=errors(MerchantNotFound, RoleRequired, AlreadyMember),
)
async def invite_member(
    merchant_id: str, body: InvitationCreate, members: Members, mail: MailerDep
) -> Invitation:
    """Invites someone by email to join the merchant as a developer or viewer (owners only)."""
    return await members.invite(merchant_id, body, mail)


@router.post(
    "/api/v1/invitations/accept",
    summary="Accept an invitation",
    responses=errors(
        InvalidToken, EmailNotVerified, InvitationEmailMismatch, AlreadyMember, ChangeInProgress
    ),
)
async def accept_invitation(body: InvitationAccept, members: Members) -> Member:
    """Joins the merchant that invited the caller's verified email address."""
    return await members.accept(body.token)


@router.get(
    "/api/v1/merchants/{merchant_id}/invitations",
    summary="List pending invitations",
    responses=errors(MerchantNotFound, RoleRequired),
)
async def list_invitations(merchant_id: str, members: Members) -> InvitationList:
    """The invitations still waiting to be accepted, newest first (owners only)."""
    return InvitationList(data=await members.pending_invitations(merchant_id))


@router.get(
    "/api/v1/merchants/{merchant_id}/members",
    summary="List a merchant's members",
    responses=errors(MerchantNotFound),
)
async def list_members(merchant_id: str, members: Members, paging: PagingDep) -> Page[Member]:
    """The merchant's members and their roles."""
    return await members.list(merchant_id, paging)


@router.patch(
    "/api/v1/merchants/{merchant_id}/members/{user_id}",
    summary="Change a member's role",
    responses=errors(
        MerchantNotFound, MemberNotFound, RoleRequired, LastOwnerRequired, ChangeInProgress
    ),
)
async def change_member_role(
    merchant_id: str, user_id: str, body: MemberUpdate, members: Members
) -> Member:
    """Changes a member's role (owners only; the last owner stays owner)."""
    return await members.change_role(merchant_id, user_id, body)


@router.delete(
    "/api/v1/merchants/{merchant_id}/members/{user_id}",
    status_code=204,
    summary="Remove a member",
    responses=errors(
        MerchantNotFound, MemberNotFound, RoleRequired, LastOwnerRequired, ChangeInProgress
    ),
)
async def remove_member(merchant_id: str, user_id: str, members: Members) -> Response:
    """Removes a member (owners only; the last owner cannot be removed)."""
    await members.remove(merchant_id, user_id)
    return Response(status_code=204)
