"""Lists: one page of `{data, page, limit, total, hasMore}` that also walks every later page."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

from expe._response import ResponseInfo

T = TypeVar("T")


class _Page(Generic[T]):
    def __init__(self, data: list[T], raw: dict[str, Any], last_response: ResponseInfo) -> None:
        self.data = data
        self.page: int = int(raw.get("page", 1))
        self.limit: int = int(raw.get("limit", len(data)))
        self.total: int = int(raw.get("total", len(data)))
        self.has_more: bool = bool(raw.get("hasMore", False))
        self.raw = raw
        self.last_response = last_response

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} page={self.page} limit={self.limit} total={self.total} "
            f"has_more={self.has_more} data=[{len(self.data)} items]>"
        )


class SyncPage(_Page[T]):
    """`data` is this page; iterating the page yields every item of every page, fetching the
    next page only once this one is used up."""

    def __init__(
        self,
        data: list[T],
        raw: dict[str, Any],
        last_response: ResponseInfo,
        fetch: Callable[[int], SyncPage[T]],
    ) -> None:
        super().__init__(data, raw, last_response)
        self._fetch = fetch

    def next_page(self) -> SyncPage[T] | None:
        """The page after this one, or None on the last."""
        return self._fetch(self.page + 1) if self.has_more else None

    def __iter__(self) -> Iterator[T]:
        page: SyncPage[T] | None = self
        while page is not None:
            yield from page.data
            page = page.next_page() if page.data else None


class AsyncPage(_Page[T]):
    """`data` is this page; `async for` over the page yields every item of every page, fetching
    the next page only once this one is used up."""

    def __init__(
        self,
        data: list[T],
        raw: dict[str, Any],
        last_response: ResponseInfo,
        fetch: Callable[[int], Awaitable[AsyncPage[T]]],
    ) -> None:
        super().__init__(data, raw, last_response)
        self._fetch = fetch

    async def next_page(self) -> AsyncPage[T] | None:
        """The page after this one, or None on the last."""
        return await self._fetch(self.page + 1) if self.has_more else None

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()

    async def _items(self) -> AsyncIterator[T]:
        page: AsyncPage[T] | None = self
        while page is not None:
            for item in page.data:
                yield item
            page = await page.next_page() if page.data else None


class ItemList(Sequence[T]):
    """A short list the API sends whole (`{data}`): a wallet's list, a payment's refunds."""

    def __init__(self, data: list[T], raw: dict[str, Any], last_response: ResponseInfo) -> None:
        self.data = data
        self.raw = raw
        self.last_response = last_response

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...

    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        return self.data[index]

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        return f"<ItemList {self.data!r}>"
