"""Creating and listing projects, and the access a user has to one."""

from __future__ import annotations

from collections.abc import Collection

from services.auth.audit.service import PROJECT_CREATED
from services.auth.errors import MerchantNotFound, ProjectNotFound
from services.auth.merchants.acting import Actor
from services.auth.merchants.projects.schemas import Project, ProjectCreate
from services.auth.merchants.projects.store import ProjectStore
from services.auth.merchants.service import ANY_ROLE, BUILDERS, Access, require_role
from services.auth.merchants.store import MerchantStore
from shared.clock import now_ms
from shared.identity import MemberRole
from shared.ids import has_prefix, new_id
from shared.mongo import Document
from shared.paging import Page, Paging


def project_view(doc: Document) -> Project:
    return Project(
        id=doc["_id"], merchant_id=doc["merchantId"], name=doc["name"], created_at=doc["createdAt"]
    )


async def project_access(
    projects: ProjectStore,
    merchants: MerchantStore,
    project_id: str,
    user_id: str,
    roles: Collection[MemberRole],
) -> tuple[Document, Access]:
    """The project and the user's access to its merchant; a non-member learns nothing."""
    project = await projects.get(project_id) if has_prefix(project_id, "prj") else None
    if project is None:
        raise ProjectNotFound(f"No project {project_id} among yours.", param="projectId")
    try:
        access = await require_role(merchants, project["merchantId"], user_id, roles)
    except MerchantNotFound:
        raise ProjectNotFound(f"No project {project_id} among yours.", param="projectId") from None
    return project, access


class ProjectService:
    def __init__(self, projects: ProjectStore, merchants: MerchantStore, actor: Actor) -> None:
        self._projects = projects
        self._merchants = merchants
        self._actor = actor

    async def create(self, merchant_id: str, body: ProjectCreate) -> Project:
        await require_role(self._merchants, merchant_id, self._actor.user_id, BUILDERS)
        project: Document = {
            "_id": new_id("prj"),
            "merchantId": merchant_id,
            "name": body.name,
            "createdAt": now_ms(),
            "createdBy": self._actor.user_id,
        }
        await self._projects.insert(project)
        await self._actor.record(
            PROJECT_CREATED,
            merchant_id=merchant_id,
            target={"projectId": project["_id"], "name": body.name},
        )
        return project_view(project)

    async def list(self, merchant_id: str, paging: Paging) -> Page[Project]:
        await require_role(self._merchants, merchant_id, self._actor.user_id, ANY_ROLE)
        projects, total = await self._projects.of_merchant(
            merchant_id, skip=paging.skip, limit=paging.limit
        )
        return Page.of([project_view(p) for p in projects], paging, total)
