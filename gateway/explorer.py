"""The API reference pages: Swagger UI at `/docs` (with "Try it out" against this gateway) and
Redoc at `/redoc`, both reading `/openapi.json`. Their scripts and styles are files of the web
build (`web/scripts/reference.js` puts them in `dist/reference/`), so the pages work offline.
The guides (`make docs`) are served at `/guides/`."""

from __future__ import annotations

from pathlib import Path

from starlette.responses import HTMLResponse, PlainTextResponse
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

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
        return StaticFiles(directory=folder, html=True)
    return PlainTextResponse(
        "The guides are not built: run `make docs` (or read them in docs/).", status_code=503
    )
