/**
 * WebSocket relay: the browser's `/api/v1/ws` socket is accepted here (session cookie and
 * same origin checked at the upgrade) and paired with a socket to the bridge. The browser's
 * `auth` message carries no real token: its token is replaced here by the session's access
 * token. Everything else passes through unchanged in both directions, close codes included,
 * so the typed stream client's resume works end to end.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

import WebSocket, { WebSocketServer, type RawData } from "ws";

import type { BridgeAuth } from "./bridge.js";
import { sameOrigin } from "./security.js";
import { readCookie, SESSION_COOKIE, type Session, type SessionStore } from "./sessions.js";

export const STREAM_PATH = "/api/v1/ws";

/** A close code the browser may be sent (1000, or an application code 3000..4999). */
export function relayableCode(code: number): number {
  return code === 1000 || (code >= 3000 && code <= 4999) ? code : 1011;
}

export class StreamRelay {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });

  constructor(
    private readonly auth: BridgeAuth,
    private readonly sessions: SessionStore,
  ) {}

  /** Handle an HTTP upgrade; refuses anything but a logged-in, same-origin stream request. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (request.url ?? "").split("?")[0];
    const session = this.sessions.get(readCookie(request.headers.cookie, SESSION_COOKIE));
    if (path !== STREAM_PATH || !session || !sameOrigin(request.headers.origin, request.headers.host)) {
      socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n");
      return;
    }
    this.server.handleUpgrade(request, socket, head, (browser) => this.pair(browser, session));
  }

  /** Close every relayed socket (shutdown). */
  close(): void {
    for (const client of this.server.clients) client.close(1001, "server stopping");
    this.server.close();
  }

  private pair(browser: WebSocket, session: Session): void {
    const upstream = new WebSocket(`${this.auth.bridgeUrl.replace(/^http/, "ws")}${STREAM_PATH}`);
    const pending: string[] = [];
    let authenticated = false;
    const forward = (text: string) => {
      if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
      else pending.push(text);
    };
    browser.on("message", (data: RawData) => {
      const text = data.toString();
      if (authenticated) {
        forward(text);
        return;
      }
      authenticated = true;
      // The first message is the auth message: its token is the session's, put in here.
      void this.auth
        .access(session)
        .then((token) => forward(JSON.stringify({ type: "auth", token })))
        .catch(() => browser.close(4401, "session expired"));
    });
    upstream.on("open", () => {
      for (const text of pending.splice(0)) upstream.send(text);
    });
    upstream.on("message", (data: RawData) => {
      if (browser.readyState === WebSocket.OPEN) browser.send(data.toString());
    });
    // A close with no reason (the bridge stopped: 1006) is relayed with one the page can show.
    upstream.on("close", (code, reason) => browser.close(relayableCode(code), reason.toString() || "the bridge closed the connection"));
    upstream.on("error", () => browser.close(1011, "the bridge is not reachable"));
    browser.on("close", () => upstream.close());
    browser.on("error", () => upstream.close());
  }
}
