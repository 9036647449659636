"""Projects in MongoDB."""

from __future__ import annotations

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from shared.mongo import CollectionIndexes, Document
from shared.paging import page_of

PROJECTS = "projects"

INDEXES = (
    CollectionIndexes(
        PROJECTS,
        (IndexModel([("merchantId", ASCENDING), ("createdAt", ASCENDING)], name="by_merchant"),),
    ),
)


class ProjectStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._projects = db[PROJECTS]

    async def insert(self, project: Document) -> None:
        await self._projects.insert_one(project)

    async def get(self, project_id: str) -> Document | None:
        return await self._projects.find_one({"_id": project_id})

    async def of_merchant(
        self, merchant_id: str, *, skip: int, limit: int
    ) -> tuple[list[Document], int]:
        query = {"merchantId": merchant_id}
        oldest_first = [("createdAt", ASCENDING), ("_id", ASCENDING)]
        return await page_of(self._projects, query, oldest_first, skip=skip, limit=limit)
