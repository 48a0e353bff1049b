"""The API docs page (Swagger UI 5) served from the assets of the installed ``fastapi-offline``.

FastAPI's default docs page loads its script and style from a CDN: a desk without internet
gets a blank page, and a page that holds a token would run third-party script. Here the page,
its assets and its start-up script are all served by the bridge itself under a strict
Content-Security-Policy (``'self'`` only, no inline script).
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, HTTPException, Response, status
from fastapi.responses import FileResponse, HTMLResponse

__all__ = ["DOCS_CSP", "docs_router"]

#: Content-Security-Policy of the docs page and its assets: nothing but the bridge itself.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
_ASSET_DIR = Path(fastapi_offline.__file__).parent / "static"
_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "favicon.png": "image/png",
}
_HEADERS = {"Content-Security-Policy": DOCS_CSP, "X-Content-Type-Options": "nosniff"}


def docs_router(docs_path: str, openapi_url: str) -> APIRouter:
    """Public routes of the docs page at ``docs_path`` over the schema at ``openapi_url``.

    The page is ``docs_path``; its assets and start-up script are under
    ``<docs_path>/assets/``.
    """
    assets = f"{docs_path}/assets"
    page = f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>options-nt bridge - API docs</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" href="{assets}/favicon.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{assets}/start.js"></script>
</body>
</html>
"""
    start = (
        f'SwaggerUIBundle({{url: "{openapi_url}", dom_id: "#swagger-ui", '
        'deepLinking: true, presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout"});\n'
    )
    router = APIRouter(include_in_schema=False)

    @router.get(docs_path)
    async def docs_page() -> HTMLResponse:
        return HTMLResponse(page, headers=_HEADERS)

    @router.get(f"{assets}/start.js")
    async def docs_start() -> Response:
        return Response(start, media_type="text/javascript", headers=_HEADERS)

    @router.get(f"{assets}/{{name}}")
    async def docs_asset(name: str) -> FileResponse:
        media_type = _ASSETS.get(name)
        if media_type is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no docs asset {name!r}")
        return FileResponse(_ASSET_DIR / name, media_type=media_type, headers=_HEADERS)

    return router
