"""One definition of each route, shared by the sync and the async client.

A resource method builds a `Call` (method, path, body, how to read the answer) and does no I/O.
The `endpoint` and `paged` descriptors hand that call to the client's transport: `Expe` sends it
and returns the result, `AsyncExpe` returns an awaitable of the same result. The descriptors'
overloads tell type checkers which of the two a resource gives, from the resource's `Sync` or
`Async` parameter.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.message import Message
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar, overload

import httpx

from expe._files import ExportedFile
from expe._pagination import AsyncPage, ItemList, SyncPage
from expe._response import ResponseInfo
from expe.models._base import ExpeModel

if TYPE_CHECKING:
    from expe._transport import AsyncTransport, SyncTransport

P = ParamSpec("P")
T = TypeVar("T")
M = TypeVar("M", bound=ExpeModel)


class Sync:
    """A resource of `Expe`: each call answers at once."""


class Async:
    """A resource of `AsyncExpe`: each call answers with an awaitable."""


ModeT = TypeVar("ModeT", Sync, Async)


class Resource(Generic[ModeT]):
    def __init__(self, transport: SyncTransport | AsyncTransport) -> None:
        self._transport = transport


@dataclass(frozen=True)
class Call(Generic[T]):
    """One request to the API and how to read its answer."""

    method: str
    path: str
    result: Callable[[httpx.Response], T]
    query: Mapping[str, Any] | None = None
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    # POSTs get a new random key when none is given; the same key is sent on every retry.
    idempotency_key: str | None = None


@dataclass(frozen=True)
class PagedCall(Generic[T]):
    """A GET of a page-numbered list, and how to read one item."""

    path: str
    item: Callable[[Any], T]
    query: Mapping[str, Any] = field(default_factory=dict)

    def at(self, page: int) -> PagedCall[T]:
        return replace(self, query={**self.query, "page": page})


class Endpoint(Generic[P, T]):
    def __init__(self, build: Callable[Concatenate[Any, P], Call[T]]) -> None:
        self._build = build
        self.__doc__ = build.__doc__

    @overload
    def __get__(self, resource: None, owner: type[Any]) -> Endpoint[P, T]: ...

    @overload
    def __get__(self, resource: Resource[Sync], owner: type[Any]) -> Callable[P, T]: ...

    @overload
    def __get__(
        self, resource: Resource[Async], owner: type[Any]
    ) -> Callable[P, Coroutine[Any, Any, T]]: ...

    def __get__(self, resource: Resource[Any] | None, owner: type[Any]) -> Any:
        if resource is None:
            return self
        build, transport = self._build, resource._transport

        @functools.wraps(build)
        def send(*args: P.args, **kwargs: P.kwargs) -> Any:
            return transport.send(build(resource, *args, **kwargs))

        return send


class PagedEndpoint(Generic[P, T]):
    def __init__(self, build: Callable[Concatenate[Any, P], PagedCall[T]]) -> None:
        self._build = build
        self.__doc__ = build.__doc__

    @overload
    def __get__(self, resource: None, owner: type[Any]) -> PagedEndpoint[P, T]: ...

    @overload
    def __get__(self, resource: Resource[Sync], owner: type[Any]) -> Callable[P, SyncPage[T]]: ...

    @overload
    def __get__(
        self, resource: Resource[Async], owner: type[Any]
    ) -> Callable[P, Coroutine[Any, Any, AsyncPage[T]]]: ...

    def __get__(self, resource: Resource[Any] | None, owner: type[Any]) -> Any:
        if resource is None:
            return self
        build, transport = self._build, resource._transport

        @functools.wraps(build)
        def send(*args: P.args, **kwargs: P.kwargs) -> Any:
            return transport.send_paged(build(resource, *args, **kwargs))

        return send


def endpoint(build: Callable[Concatenate[Any, P], Call[T]]) -> Endpoint[P, T]:
    """Makes a method that builds a `Call` into one that sends it."""
    return Endpoint(build)


def paged(build: Callable[Concatenate[Any, P], PagedCall[T]]) -> PagedEndpoint[P, T]:
    """Makes a method that builds a `PagedCall` into one that returns its first page."""
    return PagedEndpoint(build)


# Building requests.

# Values the API keeps as given: their keys are the caller's, not field names.
_OPAQUE = frozenset({"metadata", "headers"})


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


def _wire_value(name: str, value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping) and name not in _OPAQUE:
        return wire(value)
    return value


def wire(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON for the API from Python names: keys in camelCase, None left out, nested objects
    converted too (but not metadata, whose keys are the merchant's own)."""
    return {
        _camel(name): _wire_value(name, value)
        for name, value in fields.items()
        if value is not None
    }


# Reading answers.


def _info(response: httpx.Response) -> ResponseInfo:
    return ResponseInfo.of(response)


def as_model(cls: type[M]) -> Callable[[httpx.Response], M]:
    def read(response: httpx.Response) -> M:
        model = cls.model_validate(response.json())
        model._last_response = _info(response)
        return model

    return read


def item_of(cls: type[M]) -> Callable[[Any], M]:
    return cls.model_validate


def as_items(cls: type[M]) -> Callable[[httpx.Response], ItemList[M]]:
    def read(response: httpx.Response) -> ItemList[M]:
        raw = response.json()
        return ItemList([cls.model_validate(item) for item in raw["data"]], raw, _info(response))

    return read


def as_file(response: httpx.Response) -> ExportedFile:
    disposition = Message()
    disposition["content-disposition"] = response.headers.get("content-disposition", "")
    return ExportedFile(
        content=response.content,
        content_type=response.headers.get("content-type", "application/octet-stream"),
        filename=disposition.get_filename(),
        last_response=_info(response),
    )


def as_nothing(response: httpx.Response) -> ResponseInfo:
    return _info(response)
