"""MongoDB access: one AsyncMongoClient per process, one database per service, indexes at start.

Only what MongoDB 7 guarantees and the local store also speaks is used: single-document atomic
updates, unique indexes, find-and-modify, simple aggregation. No multi-document transactions,
change streams or TTL indexes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import Histogram
from pymongo import AsyncMongoClient, IndexModel, monitoring
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from shared.mongo_monitoring import DRIVER_LISTENERS
from shared.settings import MongoSettings
from shared.store_spans import MongoCommandSpans

Document = dict[str, Any]

COMMAND_DURATION = Histogram(
    "expe_mongo_command_duration_seconds",
    "MongoDB commands this process sent, by command and outcome, with their round-trip time",
    ["command", "outcome"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5),
)


class _CommandMetrics(monitoring.CommandListener):
    """Counts and times every command, so the cost of an operation in store round trips shows
    on /metrics (`make bench` prints commands per operation from it)."""

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        pass

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        COMMAND_DURATION.labels(event.command_name, "ok").observe(event.duration_micros / 1e6)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        COMMAND_DURATION.labels(event.command_name, "error").observe(event.duration_micros / 1e6)


_COMMAND_METRICS = _CommandMetrics()


async def count_matching(collection: AsyncCollection[Document], query: Document) -> int:
    """How many documents match `query`, by the `count` command: an index answers it, on the
    local store (from key positions when the index's bounds decide the query) as on MongoDB.
    `count_documents` is an aggregation, which the local store answers by reading every
    document of the collection."""
    reply = await collection.database.command("count", collection.name, query=query)
    return int(reply["n"])


@dataclass(frozen=True)
class CollectionIndexes:
    collection: str
    indexes: Sequence[IndexModel] = field(default_factory=tuple)


def _client(
    settings: MongoSettings, appname: str, socket_timeout_ms: int | None
) -> AsyncMongoClient[Document]:
    return AsyncMongoClient(
        settings.url,
        tz_aware=True,
        serverSelectionTimeoutMS=settings.server_selection_timeout_ms,
        connectTimeoutMS=settings.server_selection_timeout_ms,
        socketTimeoutMS=socket_timeout_ms,
        appname=appname,
        event_listeners=[_COMMAND_METRICS, *DRIVER_LISTENERS, MongoCommandSpans()],
    )


class Mongo:
    """The process's MongoDB client and its service's database."""

    def __init__(self, settings: MongoSettings, database_name: str) -> None:
        self._settings = settings
        self.client = _client(settings, database_name, settings.socket_timeout_ms)
        self.db: AsyncDatabase[Document] = self.client[database_name]

    async def ensure_indexes(self, specs: Sequence[CollectionIndexes]) -> None:
        """Creates each collection's indexes (creating existing ones again changes nothing).

        Building a new index over a large collection may outlast the socket timeout, so the
        builds go over a client of their own that has none."""
        client = _client(self._settings, f"{self.db.name}-indexes", socket_timeout_ms=None)
        try:
            for spec in specs:
                if spec.indexes:
                    await client[self.db.name][spec.collection].create_indexes(list(spec.indexes))
        finally:
            await client.close()

    async def ping(self) -> None:
        await self.client.admin.command("ping")

    async def close(self) -> None:
        await self.client.close()
