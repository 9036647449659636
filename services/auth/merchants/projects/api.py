"""Project routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from services.auth.errors import MerchantNotFound, RoleRequired
from services.auth.merchants.deps import ActorDep, MerchantStoreDep
from services.auth.merchants.projects.schemas import Project, ProjectCreate
from services.auth.merchants.projects.service import ProjectService
from services.auth.merchants.projects.store import ProjectStore
from shared.app import Database
from shared.idempotency import IdempotentRoute
from shared.openapi import errors
from shared.paging import Page, PagingDep

router = APIRouter(tags=["projects"], route_class=IdempotentRoute)


async def project_service(
    db: Database, merchants: MerchantStoreDep, actor: ActorDep
) -> ProjectService:
    return ProjectService(ProjectStore(db), merchants, actor)


Projects = Annotated[ProjectService, Depends(project_service)]


@router.post(
    "/api/v1/merchants/{merchant_id}/projects",
    status_code=201,
    summary="Create a project",
    responses=errors(MerchantNotFound, RoleRequired),
)
async def create_project(merchant_id: str, body: ProjectCreate, projects: Projects) -> Project:
    """Creates a project in the merchant (owners and developers)."""
    return await projects.create(merchant_id, body)


@router.get(
    "/api/v1/merchants/{merchant_id}/projects",
    summary="List a merchant's projects",
    responses=errors(MerchantNotFound),
)
async def list_projects(merchant_id: str, projects: Projects, paging: PagingDep) -> Page[Project]:
    """The merchant's projects."""
    return await projects.list(merchant_id, paging)
