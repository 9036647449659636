"""The API reference pages: Swagger UI at `/docs` (with "Try it out" against this gateway) and
Redoc at `/redoc`, both reading `/openapi.json`. Their scripts and styles are files of the web
build (`web/scripts/reference.js` puts them in `dist/reference/`), so the pages work offline.
The guides (`make docs`) are served at `/guides/`."""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.responses import HTMLResponse, PlainTextResponse
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The readers' own scripts only; both set inline styles, and Redoc runs its search in a worker
# made from a blob. Nothing from another origin: Redoc's badge logo (on a CDN) stays blank.
REFERENCE_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    )
)

_HEAD = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<title>{title}</title>{styles}</head>
<body>{body}</body></html>
"""

SWAGGER_UI = _HEAD.format(
    title="Expe API · Swagger UI",
    styles='<link rel="stylesheet" href="/reference/swagger-ui.css">',
    body=(
        '<div id="swagger-ui"></div>'
        '<script src="/reference/swagger-ui-bundle.js"></script>'
        '<script src="/reference/swagger-init.js"></script>'
    ),
)

REDOC = _HEAD.format(
    title="Expe API · Redoc",
    styles="",
    # The bundle renders every `<redoc spec-url>` element it finds.
    body=(
        '<redoc spec-url="/openapi.json"></redoc>'
        '<script src="/reference/redoc.standalone.js"></script>'
    ),
)


def reference_page(html: str) -> HTMLResponse:
    return HTMLResponse(
        html, headers={"Content-Security-Policy": REFERENCE_POLICY, "Cache-Control": "no-cache"}
    )


def guides_app(folder: Path) -> ASGIApp:
    """The built guides as static files, or a page saying how to build them."""
    if (folder / "index.html").is_file():
        return _WithPolicy(StaticFiles(directory=folder, html=True), guides_policy(folder))
    return PlainTextResponse(
        "The guides are not built: run `make docs` (or read them in docs/).", status_code=503
    )


def guides_policy(folder: Path) -> str:
    """The guides' theme runs a few small scripts inline (its palette and its storage scope, one
    per folder depth): each is allowed by its hash, read from the build, and nothing else is."""
    hashes = sorted(
        {_source_hash(script) for page in folder.rglob("*.html") for script in _inline(page)}
    )
    return "; ".join(
        (
            "default-src 'self'",
            " ".join(("script-src 'self'", *hashes)),
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            # The search runs in a worker of the site's own scripts.
            "worker-src 'self'",
            "connect-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "object-src 'none'",
        )
    )


def _source_hash(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    return f"'sha256-{digest}'"


class _InlineScripts(HTMLParser):
    # Data blocks (the theme's JSON configuration) are never run, so they need no hash.
    _RUN = frozenset(("", "text/javascript", "module"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            named = dict(attrs)
            self._open = "src" not in named and (named.get("type") or "").lower() in self._RUN
            if self._open:
                self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._open = False

    def handle_data(self, data: str) -> None:
        if self._open:
            self.scripts[-1] += data


def _inline(page: Path) -> list[str]:
    parser = _InlineScripts()
    parser.feed(page.read_text(encoding="utf-8"))
    return [script for script in parser.scripts if script.strip()]


class _WithPolicy:
    """Every page of the guides with its policy; `no-cache`, as a new build changes them."""

    def __init__(self, app: ASGIApp, policy: str) -> None:
        self._app = app
        self._headers = {"Content-Security-Policy": policy, "Cache-Control": "no-cache"}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if headers.get("content-type", "").startswith("text/html"):
                    headers.update(self._headers)
            await send(message)

        await self._app(scope, receive, send_with_policy)
