"""The dashboard and the hosted checkout: the built single-page app in `web/dist`, served at `/`.

Every file is found once, when the gateway starts, so a request's path is looked up in a table
and never joined onto the file system (nothing outside the folder can be reached). A path that
names no file and looks like a page (`/payments/pay_…`, `/checkout/pay_…`) gets `index.html`,
and the app's router takes it from there.
"""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from shared.errors import ResourceNotFound

logger = logging.getLogger(__name__)

# Only the app itself: its scripts and styles are files of its own origin, and it talks to the API
# and the live updates socket (ws: and wss: count as the same origin) and nothing else.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    )
)
# Vite names every file under assets/ by a hash of its content: a new build has new names.
_IMMUTABLE = "public, max-age=31536000, immutable"
# index.html names the current assets, so a browser checks it again on every visit.
_REVALIDATE = "no-cache"
_OTHER_FILES = "public, max-age=3600"
_PAGE_HEADERS = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "Cache-Control": _REVALIDATE}

_NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Expe</title></head>
<body><h1>The dashboard is not built</h1>
<p>Run <code>make run</code>, which builds it, or <code>npm ci &amp;&amp; npm run build</code>
in <code>web/</code>. The API is at <code>/api/v1</code>.</p></body></html>
"""


@dataclass(frozen=True)
class _File:
    path: Path
    media_type: str
    # The build's gzip copy, sent to browsers that accept it.
    gzipped: Path | None


class WebApp:
    def __init__(self, folder: Path) -> None:
        self._files: dict[str, _File] = {}
        if (folder / "index.html").is_file():
            self._files = {
                "/" + path.relative_to(folder).as_posix(): _File(
                    path,
                    mimetypes.guess_type(path.name)[0] or "application/octet-stream",
                    gzipped if (gzipped := path.with_name(path.name + ".gz")).is_file() else None,
                )
                for path in folder.rglob("*")
                if path.is_file() and path.suffix != ".gz" and not _hidden(path, folder)
            }
        else:
            logger.warning("no built web app in %s: / answers that it is not built", folder)
        self._index = self._files.get("/index.html")

    def answer(self, request: Request) -> Response:
        path = request.url.path
        found = self._files.get(path)
        if found is not None and found is not self._index:
            cache = _IMMUTABLE if path.startswith("/assets/") else _OTHER_FILES
            return _send(request, found, {"Cache-Control": cache})
        if "." in path.rsplit("/", 1)[-1] or path.startswith("/assets/"):
            raise ResourceNotFound(f"No file {path}.")
        if self._index is None:
            return HTMLResponse(_NOT_BUILT, status_code=503, headers=_PAGE_HEADERS)
        return _send(request, self._index, _PAGE_HEADERS)


def _hidden(path: Path, folder: Path) -> bool:
    """The build's own records (`.vite/manifest.json`, stamps) are not part of the site."""
    return any(part.startswith(".") for part in path.relative_to(folder).parts)


def _send(request: Request, file: _File, headers: dict[str, str]) -> Response:
    headers = {**headers, "Vary": "Accept-Encoding"}
    if file.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return FileResponse(file.gzipped, media_type=file.media_type, headers=headers)
    return FileResponse(file.path, media_type=file.media_type, headers=headers)
