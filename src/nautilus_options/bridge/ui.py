"""The built trader interface (``web/ui/dist``) served by the bridge itself.

For one user on loopback with no Node.js process: the page logs in with ``/api/v1/auth``
and holds its access token in memory (see the trader-interface guide for when to use the
web server instead). Every answer outside ``/api`` carries the web server's security
headers; ``GET /web/config`` tells the page that it talks to the bridge directly.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import APIRouter, FastAPI, HTTPException, Request, Response, status
from fastapi.responses import FileResponse

from nautilus_options.errors import ConfigError

__all__ = ["UI_CSP", "UI_HEADERS", "default_ui_dir", "mount_ui", "ui_folder"]

#: Scripts, styles and connections (the stream too) from this origin only; no framing.
UI_CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
#: The headers of every answer outside ``/api`` (those of the web server, ``web/server``).
UI_HEADERS = {
    "Content-Security-Policy": UI_CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
_API = "/api/"
_ASSET_MAX_AGE = "public, max-age=3600"


def default_ui_dir() -> Path:
    """``web/ui/dist`` of the repository this package is installed from."""
    return Path(__file__).resolve().parents[3] / "web" / "ui" / "dist"


def ui_folder(given: Path | None = None) -> Path:
    """The built interface's folder (``given`` or :func:`default_ui_dir`), checked.

    Raises
    ------
    ConfigError
        On ``--ui`` when the folder has no ``index.html``.
    """
    folder = (given or default_ui_dir()).resolve()
    if not (folder / "index.html").is_file():
        raise ConfigError(
            "--ui", f"no index.html in {folder} (build the interface: bash scripts/web.sh build)"
        )
    return folder


def mount_ui(app: FastAPI, folder: Path) -> None:
    """Serve the interface in ``folder`` at ``/`` (after every API route) with its headers."""
    app.include_router(_ui_router(ui_folder(folder)))
    app.middleware("http")(_stamp_headers)


def _ui_router(root: Path) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.api_route("/web/config", methods=["GET", "HEAD"])
    async def web_config() -> dict[str, str]:
        return {"mode": "bridge"}

    # HEAD too: link checkers and uptime probes ask for the page without its body.
    @router.api_route("/{path:path}", methods=["GET", "HEAD"])
    async def ui_file(path: str, request: Request) -> FileResponse:
        if request.url.path.startswith(_API):
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Not Found")
        target = (root / path).resolve()
        if not target.is_relative_to(root):
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Not Found")
        if target.is_file() and target.name != "index.html":
            return FileResponse(target, headers={"Cache-Control": _ASSET_MAX_AGE})
        if path.startswith("assets/"):
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no asset {path!r}")
        # The page itself for `/` and any other path (its screens are `#/...` routes).
        return FileResponse(root / "index.html", headers={"Cache-Control": "no-cache"})

    return router


async def _stamp_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    response = await call_next(request)
    if not request.url.path.startswith(_API):
        response.headers.update(UI_HEADERS)
    return response
