"""``/api/v1/ws``: the authenticated, resumable event stream (see the package docstring)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import TypeAdapter, ValidationError
from starlette.types import Message

from nautilus_options.bridge.principal import Principal, Scope
from nautilus_options.bridge.stream.connection import Connection
from nautilus_options.bridge.stream.hub import EventHub
from nautilus_options.bridge.stream.messages import (
    LOGS,
    AuthMessage,
    ClientMessage,
    CloseCode,
    ErrorMessage,
    SubscribeMessage,
)

__all__ = ["ROUTE", "WS_PATH", "stream_router"]

log = logging.getLogger(__name__)

#: The route inside the router; the app includes it under ``/api/v1``.
ROUTE = "/ws"
#: Where the stream is served.
WS_PATH = "/api/v1" + ROUTE
_CLIENT_MESSAGE: TypeAdapter[ClientMessage] = TypeAdapter(ClientMessage)


class _RefusedError(Exception):
    """The connection is to be closed with ``code`` and ``reason``."""

    def __init__(self, code: CloseCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def _payload(frame: Message) -> str | bytes:
    """The text or bytes of a received WebSocket frame."""
    payload: str | bytes = frame.get("text") or frame.get("bytes") or ""
    return payload


def _problem(error: ValidationError) -> str:
    """A short description of what is wrong with a client message (never echoing values)."""
    first = error.errors(include_input=False, include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "message"
    return f"{where}: {first['msg']}"


def stream_router(
    hub: EventHub,
    authenticate: Callable[[str], Principal | None],
    *,
    auth_timeout_s: float = 10.0,
    send_timeout_s: float = 10.0,
    close_timeout_s: float = 10.0,
    max_batch: int = 500,
) -> APIRouter:
    """The router serving ``hub`` at :data:`ROUTE`: include it with ``prefix="/api/v1"``.

    Include it without the HTTP auth dependency: the socket authenticates itself with its first
    message, ``{"type": "auth", "token": ...}``, and needs the ``read`` scope (``logs``, the
    audit records, needs ``admin``: it is left out of other subscriptions). The token is
    checked again at each heartbeat: once revoked, expired or logged out, the socket is
    closed (4401, ``unauthorized: token revoked or expired``).

    Parameters
    ----------
    hub : EventHub
        Where the events come from.
    authenticate : callable
        ``token -> Principal``, or None for an unknown or expired token.
    auth_timeout_s : float
        Seconds a new socket has to send its ``auth`` message.
    send_timeout_s : float
        Seconds one frame may take to be written before the socket counts as a slow consumer.
    close_timeout_s : float
        Seconds allowed for the close frame to be written.
    max_batch : int
        Most messages in one frame.
    """
    router = APIRouter()

    def authorized(token: str) -> Principal:
        principal = authenticate(token)
        if principal is None:
            raise _RefusedError(CloseCode.UNAUTHORIZED, "unauthorized: unknown or expired token")
        if not principal.allows(Scope.READ):
            raise _RefusedError(CloseCode.FORBIDDEN, "forbidden: the read scope is needed")
        return principal

    async def receive_auth(websocket: WebSocket) -> tuple[str, Principal]:
        try:
            frame = await asyncio.wait_for(websocket.receive(), auth_timeout_s)
        except TimeoutError:
            raise _RefusedError(
                CloseCode.AUTH_TIMEOUT, f"no auth message within {auth_timeout_s:g} s"
            ) from None
        if frame["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(frame.get("code", 1000))
        try:
            message = _CLIENT_MESSAGE.validate_json(_payload(frame))
        except ValidationError as error:
            raise _RefusedError(CloseCode.BAD_REQUEST, _problem(error)) from None
        if not isinstance(message, AuthMessage):
            raise _RefusedError(CloseCode.BAD_REQUEST, "the first message must be auth")
        token = message.token.get_secret_value()
        return token, authorized(token)

    async def receive_loop(websocket: WebSocket, conn: Connection, principal: Principal) -> None:
        while True:
            frame = await websocket.receive()
            if frame["type"] == "websocket.disconnect":
                return
            try:
                message = _CLIENT_MESSAGE.validate_json(_payload(frame))
            except ValidationError as error:
                conn.push(ErrorMessage(message=_problem(error)).model_dump_json())
                continue
            if isinstance(message, SubscribeMessage):
                if not principal.allows(Scope.ADMIN):  # the audit records: admin only
                    topics = [topic for topic in message.topics if topic != LOGS]
                    message = message.model_copy(update={"topics": topics})
                try:
                    hub.subscribe(conn, message)
                except Exception:
                    log.exception("the stream snapshot for %s failed", conn.subject)
                    conn.close(CloseCode.INTERNAL_ERROR, "snapshot failed")
                    hub.discard(conn)
            elif isinstance(message, AuthMessage):
                conn.push(ErrorMessage(message="already authenticated").model_dump_json())
            else:
                hub.unsubscribe(conn, message)

    def still_authorized(conn: Connection, token: str) -> bool:
        """Whether ``token`` still reads; else close ``conn`` (revoked, expired, logged out)."""
        try:
            authorized(token)
        except _RefusedError:
            reason = "unauthorized: token revoked or expired"
            log.info("closing the stream of %s: %s", conn.subject, reason)
            conn.close(CloseCode.UNAUTHORIZED, reason)
            hub.discard(conn)
            return False
        return True

    async def send_loop(websocket: WebSocket, conn: Connection, token: str) -> None:
        next_heartbeat = time.monotonic() + hub.heartbeat_s
        while conn.close_reason is None:
            batch = await conn.take(max_batch, max(next_heartbeat - time.monotonic(), 0.0))
            if conn.close_reason is not None:
                break
            now = time.monotonic()
            if now >= next_heartbeat:
                if not still_authorized(conn, token):
                    continue  # closed: the loop ends
                batch.append(hub.heartbeat())
                next_heartbeat = now + hub.heartbeat_s
            if not batch:
                continue
            try:
                await asyncio.wait_for(
                    websocket.send_text("[" + ",".join(batch) + "]"), send_timeout_s
                )
            except TimeoutError:
                reason = f"slow consumer: a frame took more than {send_timeout_s:g} s to send"
                log.warning("closing the stream of %s: %s", conn.subject, reason)
                conn.close(CloseCode.SLOW_CONSUMER, reason)
                hub.discard(conn)
        code, reason = conn.close_reason
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(websocket.close(code, reason), close_timeout_s)

    @router.websocket(ROUTE)
    async def stream(websocket: WebSocket) -> None:
        hub.bind(asyncio.get_running_loop())
        await websocket.accept()
        try:
            token, principal = await receive_auth(websocket)
        except _RefusedError as refused:
            log.info("stream refused: %s", refused.reason)
            await websocket.close(refused.code, refused.reason)
            return
        except WebSocketDisconnect:
            return
        conn = Connection(principal.subject, hub.max_queue)
        conn.push(hub.hello(principal.subject))
        tasks = {
            asyncio.create_task(receive_loop(websocket, conn, principal)),
            asyncio.create_task(send_loop(websocket, conn, token)),
        }
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            hub.discard(conn)
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
                    await task

    return router
