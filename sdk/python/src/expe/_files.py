"""Downloads: the CSV and Excel exports."""

from __future__ import annotations

from dataclasses import dataclass

from expe._response import ResponseInfo


@dataclass(frozen=True)
class ExportedFile:
    """A file the API streamed: `content` as bytes, with its type and suggested name."""

    content: bytes
    content_type: str
    filename: str | None
    last_response: ResponseInfo

    def text(self) -> str:
        return self.content.decode("utf-8")
