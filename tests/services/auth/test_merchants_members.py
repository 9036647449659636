"""Members: owners invite by email, invitees join with the mailed token, roles are enforced, and a
merchant never loses its last owner."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.services.auth.test_merchants_factories import (
    User,
    auth_service,
    create_merchant,
    created,
    error_code,
    invitation_mail,
    invitation_token,
    join,
    ok,
    token_in,
)
from tests.services.auth.test_users_helpers import PUBLIC_URL


def test_an_invitee_joins_with_the_mailed_token_once(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owner, dev = User(url), User(url)
        merchant = create_merchant(owner, "Masala Co")
        invitation = created(
            owner.post(
                f"/api/v1/merchants/{merchant['id']}/members",
                {"email": dev.email.upper(), "role": "developer"},
            )
        )
        token = invitation_token(profile, dev.email)
        joined = ok(dev.post("/api/v1/invitations/accept", {"token": token}))
        replay_by_other = User(url, email=dev.email).post(
            "/api/v1/invitations/accept", {"token": token}
        )
        members = ok(dev.get(f"/api/v1/merchants/{merchant['id']}/members"))
        seen = ok(dev.get(f"/api/v1/merchants/{merchant['id']}"))
    assert invitation["id"].startswith("inv_")
    assert (invitation["email"], invitation["status"]) == (dev.email, "pending")
    assert (joined["userId"], joined["role"]) == (dev.id, "developer")
    assert error_code(replay_by_other) == (400, "invalid_token")
    assert {(m["userId"], m["role"]) for m in members["data"]} == {
        (owner.id, "owner"),
        (dev.id, "developer"),
    }
    assert seen["role"] == "developer"


def test_the_invitation_mail_carries_the_token_and_a_dashboard_link(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owner, invitee = User(url), User(url)
        merchant = create_merchant(owner, "Link Check")
        owner.post(
            f"/api/v1/merchants/{merchant['id']}/members",
            {"email": invitee.email, "role": "viewer"},
        )
        mail = invitation_mail(profile, invitee.email)
        token = token_in(mail)
        audit = ok(owner.get(f"/api/v1/merchants/{merchant['id']}/audit-logs"))
    assert "Link Check" in mail and "viewer" in mail
    assert f"{PUBLIC_URL}/invitations/accept?token={token}" in mail
    assert token not in str(audit)


def test_only_the_invited_verified_address_can_accept(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owner, invitee = User(url), User(url)
        merchant = create_merchant(owner)
        owner.post(
            f"/api/v1/merchants/{merchant['id']}/members",
            {"email": invitee.email, "role": "viewer"},
        )
        token = invitation_token(profile, invitee.email)
        someone_else = User(url).post("/api/v1/invitations/accept", {"token": token})
        unverified = User(url, email=invitee.email, email_verified=False).post(
            "/api/v1/invitations/accept", {"token": token}
        )
        tampered = invitee.post("/api/v1/invitations/accept", {"token": token[:-2] + "xx"})
        accepted = ok(invitee.post("/api/v1/invitations/accept", {"token": token}))
    assert error_code(someone_else) == (403, "invitation_email_mismatch")
    assert error_code(unverified) == (403, "email_not_verified")
    assert error_code(tampered) == (400, "invalid_token")
    # The refused attempts did not use the invitation up.
    assert accepted["role"] == "viewer"


def test_an_expired_invitation_cannot_be_accepted(serve, profile) -> None:
    with auth_service(serve, profile, invitation_ttl_seconds=0) as url:
        owner, invitee = User(url), User(url)
        merchant = create_merchant(owner)
        owner.post(
            f"/api/v1/merchants/{merchant['id']}/members",
            {"email": invitee.email, "role": "viewer"},
        )
        token = invitation_token(profile, invitee.email)
        late = invitee.post("/api/v1/invitations/accept", {"token": token})
        members = ok(owner.get(f"/api/v1/merchants/{merchant['id']}/members"))
    assert error_code(late) == (400, "invalid_token")
    assert members["total"] == 1


def test_only_owners_manage_members(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owner, dev, viewer = User(url), User(url), User(url)
        merchant = create_merchant(owner)
        mid = merchant["id"]
        join(owner, mid, dev, profile, "developer")
        join(owner, mid, viewer, profile, "viewer")
        invite_by_dev = dev.post(
            f"/api/v1/merchants/{mid}/members", {"email": "x@example.test", "role": "viewer"}
        )
        promote_by_dev = dev.patch(f"/api/v1/merchants/{mid}/members/{dev.id}", {"role": "owner"})
        remove_by_viewer = viewer.delete(f"/api/v1/merchants/{mid}/members/{dev.id}")
        invite_owner = owner.post(
            f"/api/v1/merchants/{mid}/members", {"email": "x@example.test", "role": "owner"}
        )
        invite_member_again = owner.post(
            f"/api/v1/merchants/{mid}/members", {"email": dev.email, "role": "viewer"}
        )
        outsider = User(url).get(f"/api/v1/merchants/{mid}/members")
    assert error_code(invite_by_dev) == (403, "role_required")
    assert error_code(promote_by_dev) == (403, "role_required")
    assert error_code(remove_by_viewer) == (403, "role_required")
    assert invite_owner.status_code == 400
    assert error_code(invite_member_again) == (409, "already_member")
    assert outsider.status_code == 404


def test_owners_change_roles_and_remove_members(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owner, member = User(url), User(url)
        mid = create_merchant(owner)["id"]
        join(owner, mid, member, profile, "viewer")
        promoted = ok(
            owner.patch(f"/api/v1/merchants/{mid}/members/{member.id}", {"role": "developer"})
        )
        removed = owner.delete(f"/api/v1/merchants/{mid}/members/{member.id}")
        after = member.get(f"/api/v1/merchants/{mid}")
        gone = owner.delete(f"/api/v1/merchants/{mid}/members/{member.id}")
    assert promoted["role"] == "developer"
    assert removed.status_code == 204
    assert after.status_code == 404
    assert error_code(gone) == (404, "resource_missing")


def test_the_last_owner_can_neither_leave_nor_be_demoted(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owner, other = User(url), User(url)
        mid = create_merchant(owner)["id"]
        demote_alone = owner.patch(
            f"/api/v1/merchants/{mid}/members/{owner.id}", {"role": "viewer"}
        )
        leave_alone = owner.delete(f"/api/v1/merchants/{mid}/members/{owner.id}")
        join(owner, mid, other, profile, "developer")
        ok(owner.patch(f"/api/v1/merchants/{mid}/members/{other.id}", {"role": "owner"}))
        # With a second owner, the first may step down; then the second is the last one.
        stepped_down = ok(
            owner.patch(f"/api/v1/merchants/{mid}/members/{owner.id}", {"role": "developer"})
        )
        demote_last = other.patch(f"/api/v1/merchants/{mid}/members/{other.id}", {"role": "viewer"})
        remove_last = other.delete(f"/api/v1/merchants/{mid}/members/{other.id}")
        members = ok(other.get(f"/api/v1/merchants/{mid}/members"))
    assert error_code(demote_alone) == (409, "last_owner")
    assert error_code(leave_alone) == (409, "last_owner")
    assert stepped_down["role"] == "developer"
    assert error_code(demote_last) == (409, "last_owner")
    assert error_code(remove_last) == (409, "last_owner")
    assert {(m["userId"], m["role"]) for m in members["data"]} == {
        (owner.id, "developer"),
        (other.id, "owner"),
    }


def test_owners_stepping_down_all_at_once_leave_one_owner(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owners = [User(url) for _ in range(4)]
        mid = create_merchant(owners[0])["id"]
        for other in owners[1:]:
            join(owners[0], mid, other, profile, "developer")
            ok(owners[0].patch(f"/api/v1/merchants/{mid}/members/{other.id}", {"role": "owner"}))

        def step_down(owner: User) -> int:
            path = f"/api/v1/merchants/{mid}/members/{owner.id}"
            return owner.patch(path, {"role": "viewer"}).status_code

        with ThreadPoolExecutor(max_workers=len(owners)) as pool:
            answers = sorted(pool.map(step_down, owners))
        members = ok(owners[0].get(f"/api/v1/merchants/{mid}/members"))
    assert answers == [200, 200, 200, 409]
    assert sorted(m["role"] for m in members["data"]) == ["owner", "viewer", "viewer", "viewer"]


def test_owners_see_the_invitations_still_waiting_newest_first(serve, profile) -> None:
    with auth_service(serve, profile) as url:
        owner, joiner, waiting, later = User(url), User(url), User(url), User(url)
        merchant = create_merchant(owner)
        members = f"/api/v1/merchants/{merchant['id']}/members"
        invitations = f"/api/v1/merchants/{merchant['id']}/invitations"
        for invitee, role in ((joiner, "developer"), (waiting, "viewer"), (later, "developer")):
            created(owner.post(members, {"email": invitee.email, "role": role}))
        ok(
            joiner.post(
                "/api/v1/invitations/accept", {"token": invitation_token(profile, joiner.email)}
            )
        )
        listed = ok(owner.get(invitations))
        by_developer = joiner.get(invitations)
    assert [(i["email"], i["role"]) for i in listed["data"]] == [
        (later.email, "developer"),
        (waiting.email, "viewer"),
    ]
    assert {i["status"] for i in listed["data"]} == {"pending"}
    assert "token" not in str(listed) and "tokenHash" not in str(listed)
    assert error_code(by_developer)[0] == 403


def test_expired_invitations_are_not_listed_as_waiting(serve, profile) -> None:
    with auth_service(serve, profile, invitation_ttl_seconds=0) as url:
        owner, invitee = User(url), User(url)
        merchant = create_merchant(owner)
        owner.post(
            f"/api/v1/merchants/{merchant['id']}/members",
            {"email": invitee.email, "role": "viewer"},
        )
        listed = ok(owner.get(f"/api/v1/merchants/{merchant['id']}/invitations"))
    assert listed["data"] == []
