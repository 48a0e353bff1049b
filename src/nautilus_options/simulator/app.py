"""One ASGI app: Kite's REST API at its v3 paths and the ticker WebSocket at any path.

Every response is JSON with a ``Content-Type`` (the official client needs one), or CSV for
the instruments dump. Errors use Kite's envelope (:mod:`.errors`), including unknown routes
(404 ``GeneralException`` "Route not found") and bad methods (405).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, WebSocket
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from nautilus_options.simulator.errors import KiteError
from nautilus_options.simulator.routes import admin, market, orders, portfolio, session
from nautilus_options.simulator.runtime import SimulatorCore


def create_app(core: SimulatorCore) -> FastAPI:
    """The simulator's ASGI app over ``core`` (the market loop runs with the app)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        core.start()
        try:
            yield
        finally:
            await core.stop()

    app = FastAPI(
        title="options-nt Kite simulator",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.core = core
    for router in (
        session.public,
        session.private,
        market.private,
        market.public,
        orders.router,
        portfolio.router,
        admin.router,
    ):
        app.include_router(router)

    @app.exception_handler(KiteError)
    async def kite_error(request: Request, exc: KiteError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = "Route not found" if exc.status_code == 404 else str(exc.detail)
        error = KiteError("GeneralException", message, exc.status_code)
        return JSONResponse(error.body(), status_code=exc.status_code)

    @app.websocket("/")
    @app.websocket("/ws")
    async def ticker(websocket: WebSocket) -> None:
        api_key = websocket.query_params.get("api_key", "")
        access_token = websocket.query_params.get("access_token", "")
        try:
            core.auth.check(api_key, access_token, core.clock.now_ns())
        except KiteError:
            await websocket.close(code=1008)  # before accept: the upgrade answers 403
            return
        await websocket.accept()
        await core.hub.serve(websocket, api_key)

    return app
