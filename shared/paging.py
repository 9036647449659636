"""Page-numbered lists: `?page=1&limit=50` in, `{data, page, limit, total, hasMore}` out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pymongo.asynchronous.collection import AsyncCollection

from shared.mongo import Document, count_matching
from shared.schemas import Schema

MAX_LIMIT = 100

ItemT = TypeVar("ItemT")


@dataclass(frozen=True)
class Paging:
    page: int
    limit: int

    @property
    def skip(self) -> int:
        return (self.page - 1) * self.limit


async def paging(
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
) -> Paging:
    return Paging(page, limit)


PagingDep = Annotated[Paging, Depends(paging)]


async def page_of(
    collection: AsyncCollection[Document],
    query: Document,
    sort: Sequence[tuple[str, int]],
    *,
    skip: int = 0,
    limit: int = 0,
    projection: Document | None = None,
) -> tuple[list[Document], int]:
    """One page of what `query` matches, in `sort` order, and how many match in all (for
    `Page.of`). A `limit` of 0 means every match from `skip` on."""
    total = await count_matching(collection, query)
    cursor = collection.find(query, projection).sort(sort).skip(skip).limit(limit)
    return await cursor.to_list(), total


class Page(Schema, Generic[ItemT]):
    data: list[ItemT]
    page: int
    limit: int
    total: int
    has_more: bool

    @classmethod
    def of(cls, items: Sequence[ItemT], paging: Paging, total: int) -> Page[ItemT]:
        return cls(
            data=list(items),
            page=paging.page,
            limit=paging.limit,
            total=total,
            has_more=paging.skip + len(items) < total,
        )
