"""MongoDB access: one AsyncMongoClient per process, one database per service, indexes at start.

Only the subset of MongoDB that FerretDB 1.24 also speaks is used: single-document atomic updates,
unique indexes, find-and-modify, simple aggregation. No multi-document transactions.
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
        """Creates the indexes that are missing, one command each.

        FerretDB 1.24 drops the connection when one createIndexes command names several indexes
        that already exist, so existing ones are skipped and the rest sent singly.
        """
        for spec in specs:
            collection = self.db[spec.collection]
            existing = {index["name"] async for index in await collection.list_indexes()}
            for index in spec.indexes:
                if index.document["name"] not in existing:
                    await collection.create_indexes([index])

    async def ping(self) -> None:
        await self.client.admin.command("ping")

    async def close(self) -> None:
        await self.client.close()
