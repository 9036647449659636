"""MongoDB access: one AsyncMongoClient per process, one database per service, indexes at start.

Only what MongoDB 7 guarantees and the local store also speaks is used: single-document atomic
updates, unique indexes, find-and-modify, simple aggregation. No multi-document transactions,
change streams or TTL indexes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pymongo import AsyncMongoClient, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from shared.settings import MongoSettings

Document = dict[str, Any]


@dataclass(frozen=True)
class CollectionIndexes:
    collection: str
    indexes: Sequence[IndexModel] = field(default_factory=tuple)


class Mongo:
    """The process's MongoDB client and its service's database."""

    def __init__(self, settings: MongoSettings, database_name: str) -> None:
        self.client: AsyncMongoClient[Document] = AsyncMongoClient(
            settings.url,
            tz_aware=True,
            serverSelectionTimeoutMS=settings.server_selection_timeout_ms,
            connectTimeoutMS=settings.server_selection_timeout_ms,
            appname=database_name,
        )
        self.db: AsyncDatabase[Document] = self.client[database_name]

    async def ensure_indexes(self, specs: Sequence[CollectionIndexes]) -> None:
        """Creates each collection's indexes (creating existing ones again changes nothing)."""
        for spec in specs:
            if spec.indexes:
                await self.db[spec.collection].create_indexes(list(spec.indexes))

    async def ping(self) -> None:
        await self.client.admin.command("ping")

    async def close(self) -> None:
        await self.client.close()
