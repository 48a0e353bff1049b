"""The FastAPI app of the bridge: REST under ``/api/v1``, OpenAPI documented.

:func:`create_app` builds it over a running node (:class:`~nautilus_options.bridge.node.
NodeLink`) or over none (backtest results only, or to dump the schema:
:func:`openapi_schema`). Every route but login and refresh needs a bearer token (an access
token from ``/auth/login`` or an API token) with the ``read`` scope, routes that act need
``trade`` or ``admin``. Every response carries ``X-Options-NT-Environment``; every request
that changes something (and every login) is appended to the audit log; read-only POST
routes (the manual preview) are not.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request, Response, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse

from nautilus_options import __version__
from nautilus_options.bridge.apidocs import docs_router
from nautilus_options.bridge.audit import AUDIT_FILE, AuditLog
from nautilus_options.bridge.backtests import BacktestRuns
from nautilus_options.bridge.client_address import client_address
from nautilus_options.bridge.context import BridgeContext
from nautilus_options.bridge.deps import Responses, require
from nautilus_options.bridge.idempotency import IdempotencyConflictError, IdempotencyStore
from nautilus_options.bridge.manual.build import SpreadRefusedError
from nautilus_options.bridge.node import NodeLink, NodeUnavailableError
from nautilus_options.bridge.principal import Principal, Scope
from nautilus_options.bridge.routes import (
    audit,
    auth,
    backtests,
    capital,
    chain,
    control,
    health,
    manual,
    orders,
    positions,
    spreads,
    strategies,
)
from nautilus_options.bridge.security.authenticator import Authenticator
from nautilus_options.bridge.security.lockout import LoginThrottle
from nautilus_options.bridge.security.sessions import SessionTokens
from nautilus_options.bridge.security.store import CREDENTIALS_FILE, CredentialStore
from nautilus_options.bridge.settings import BridgeSettings
from nautilus_options.bridge.stream import EventHub, add_stream_schemas, stream_router
from nautilus_options.bridge.stream.messages import LOGS
from nautilus_options.bridge.ui import mount_ui
from nautilus_options.errors import OptionsNTError

__all__ = [
    "API_PREFIX",
    "ENVIRONMENT_HEADER",
    "build_authenticator",
    "create_app",
    "openapi_schema",
]

#: Root of every REST route.
API_PREFIX = "/api/v1"
#: Accepted manual submissions by idempotency key, in the state directory.
SUBMISSIONS_FILE = "bridge-submissions.jsonl"
#: Header naming the environment on every response.
ENVIRONMENT_HEADER = "X-Options-NT-Environment"

_AUTH_RESPONSES: Responses = {
    401: {"description": "No valid access or API token"},
    403: {"description": "The token lacks the scope"},
}
_PRIVATE_ROUTERS = (
    health.router,
    auth.private,
    auth.admin,
    audit.router,
    strategies.router,
    spreads.router,
    orders.router,
    positions.router,
    capital.router,
    chain.router,
    manual.router,
    control.router,
    backtests.router,
)


def build_authenticator(settings: BridgeSettings) -> Authenticator:
    """The credentials file of ``settings.state_dir``, fresh sessions and login throttle."""
    store = CredentialStore(settings.state_dir / CREDENTIALS_FILE)
    return Authenticator(
        store=store,
        sessions=SessionTokens(
            settings.access_ttl_secs, settings.refresh_ttl_secs, current=store.current
        ),
        throttle=LoginThrottle(
            settings.max_login_failures, settings.lockout_secs, settings.lockout_secs
        ),
    )


def create_app(
    settings: BridgeSettings | None = None,
    *,
    node: NodeLink | None = None,
    authenticator: Authenticator | None = None,
    hub: EventHub | None = None,
) -> FastAPI:
    """Build the bridge app.

    Parameters
    ----------
    settings : BridgeSettings, optional
        How it serves (defaults: paper, loopback, ``~/.options-nt``).
    node : NodeLink, optional
        The running node; None serves backtest results only (node routes answer 503).
    authenticator : Authenticator, optional
        Credentials, sessions and lockout (default: :func:`build_authenticator`).
    hub : EventHub, optional
        The stream's hub; when given, its WebSocket route is mounted at ``/api/v1/ws`` and
        every audit record is also published on its ``logs`` topic (for admins; a failed
        login's subject is ``anonymous`` there).
    """
    settings = settings or BridgeSettings()
    authenticator = authenticator or build_authenticator(settings)
    app = FastAPI(
        title="options-nt bridge",
        version=__version__,
        description="REST over a running options-nt node (paper or live) and backtest "
        "results. Every route but login and refresh needs `Authorization: Bearer <token>`; "
        f"every response names the environment in `{ENVIRONMENT_HEADER}`.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.include_router(docs_router(f"{API_PREFIX}/docs", f"{API_PREFIX}/openapi.json"))
    app.state.bridge = BridgeContext(
        settings=settings,
        auth=authenticator,
        audit=AuditLog(settings.state_dir / AUDIT_FILE),
        node=node,
        hub=hub,
        submissions=IdempotencyStore(settings.state_dir / SUBMISSIONS_FILE),
    )
    app.state.backtests = BacktestRuns(settings.results_dir) if settings.results_dir else None
    app.include_router(auth.public, prefix=API_PREFIX)
    for router in _PRIVATE_ROUTERS:
        app.include_router(
            router,
            prefix=API_PREFIX,
            dependencies=[Depends(require(Scope.READ))],
            responses=_AUTH_RESPONSES,
        )
    if hub is not None:
        app.include_router(stream_router(hub, authenticator), prefix=API_PREFIX)
    if settings.ui_dir is not None:
        mount_ui(app, settings.ui_dir)  # last: its catch-all route follows the API's
    _add_error_handlers(app)
    app.middleware("http")(_stamp_and_audit)
    app.openapi = lambda: _document(app)  # type: ignore[method-assign]
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_credentials="*" not in settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
            expose_headers=[ENVIRONMENT_HEADER],
        )
    return app


def openapi_schema() -> dict[str, Any]:
    """The OpenAPI document of the bridge, built without a node or a state directory.

    The same document the app serves at ``/api/v1/openapi.json``: the REST routes plus the
    stream's message schemas under ``components.schemas`` (``Stream*``).
    """
    settings = BridgeSettings(state_dir=Path("/nonexistent/options-nt"))
    return create_app(settings).openapi()


def _document(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document with the stream's messages, built once."""
    if app.openapi_schema is None:
        routes = get_openapi(
            title=app.title,
            version=app.version,
            openapi_version=app.openapi_version,
            description=app.description,
            routes=app.routes,
        )
        app.openapi_schema = add_stream_schemas(routes)
    return app.openapi_schema


async def _stamp_and_audit(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    context: BridgeContext = request.app.state.bridge
    response = await call_next(request)
    response.headers[ENVIRONMENT_HEADER] = context.settings.environment
    changes = request.method not in ("GET", "HEAD", "OPTIONS")
    if changes and request.url.path.startswith(API_PREFIX) and not _read_only(request):
        principal: Principal | None = getattr(request.state, "principal", None)
        subject = principal.subject if principal else getattr(request.state, "audit_subject", "")
        code = response.status_code
        entry = context.audit.record(
            subject=subject or "anonymous",
            client=client_address(request, context.settings.trusted_proxies),
            action=f"{request.method} {request.url.path}",
            result="ok" if code < 400 else "refused" if code < 500 else "failed",
            status=code,
            detail=getattr(request.state, "audit_detail", None),
        )
        if context.hub is not None:
            # A failed login's name tried may be a mistyped password: never sent on.
            shown = principal.subject if principal else "anonymous"
            context.hub.publish(LOGS, {"source": "audit", **entry, "subject": shown})
    return response


def _read_only(request: Request) -> bool:
    """Whether the route declared it changes nothing (:func:`~.deps.read_only`)."""
    return bool(getattr(request.state, "read_only", False))


def _add_error_handlers(app: FastAPI) -> None:
    async def unavailable(request: Request, exc: Exception) -> Response:
        return JSONResponse({"detail": str(exc)}, status.HTTP_503_SERVICE_UNAVAILABLE)

    async def conflict(request: Request, exc: Exception) -> Response:
        return JSONResponse({"detail": str(exc)}, status.HTTP_409_CONFLICT)

    async def invalid(request: Request, exc: Exception) -> Response:
        return JSONResponse({"detail": str(exc)}, status.HTTP_422_UNPROCESSABLE_CONTENT)

    async def malformed(request: Request, exc: Exception) -> Response:
        # FastAPI's own handler echoes each field's ``input``: a password or a token.
        if not isinstance(exc, RequestValidationError):
            raise exc
        errors = [{k: v for k, v in e.items() if k != "input"} for e in exc.errors()]
        return JSONResponse(
            {"detail": jsonable_encoder(errors)}, status.HTTP_422_UNPROCESSABLE_CONTENT
        )

    app.add_exception_handler(RequestValidationError, malformed)
    app.add_exception_handler(NodeUnavailableError, unavailable)
    app.add_exception_handler(IdempotencyConflictError, conflict)
    app.add_exception_handler(OptionsNTError, invalid)
    app.add_exception_handler(SpreadRefusedError, invalid)
    app.add_exception_handler(manual.TradingBlockedError, conflict)
