/**
 * The interface's link to what serves it, in one of two modes (`GET /web/config` says which):
 *
 * - `server`: the web server (`web/server`) holds the bridge's tokens; the page has a session
 *   cookie and a CSRF token, and no token is ever in the page;
 * - `bridge`: the bridge serves the page itself (`options-nt serve --ui`, one user on
 *   loopback); the page logs in with `/api/v1/auth`, keeps the access and refresh tokens in
 *   memory only (never in storage: a reload logs out) and refreshes them before they expire.
 *
 * Both give the same session, typed REST client and stream client to the screens.
 */
import { createRestClient, StreamClient, type RestClient } from "@options-nt/client";

import { responseText } from "./errors";
import { streamTopics, type LiveStore } from "./store/live";

export type Mode = "server" | "bridge";

export interface WebSession {
  username: string;
  scopes: string[];
  /** The web server's CSRF token (server mode). */
  csrf?: string;
}

/** Login, logout and the clients, as the mode does them. */
export interface Backend {
  mode: Mode;
  /** The session already open (a cookie), or null when not logged in. */
  current(): Promise<WebSession | null>;
  login(username: string, password: string): Promise<WebSession>;
  logout(session: WebSession): Promise<void>;
  /**
   * The typed REST client; `onExpired` is called with the reason when the login is no longer
   * valid (401: it ended, or a restarted node no longer knows it).
   */
  rest(session: WebSession, onExpired: (reason: string) => void): RestClient;
  /** The stream client feeding `store`, on the topics the session's scopes may read. */
  stream(session: WebSession, store: LiveStore): StreamClient;
}

/** Why a login ended when the answer does not say. */
export const SESSION_GONE = "the node restarted or the login expired: sign in again";

/** The reason in a 401 answer (read from a copy: the caller still reads the body). */
async function expiredText(response: Response): Promise<string> {
  const body = (await response.clone().json().catch(() => ({}))) as { detail?: unknown };
  return typeof body.detail === "string" && body.detail ? body.detail : SESSION_GONE;
}

/** Refresh the access token this long before it expires. */
const REFRESH_MARGIN_MS = 60_000;

async function json<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as T;
  if (!response.ok) throw new Error(responseText(body, response));
  return body;
}

function streamUrl(): string {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${window.location.host}/api/v1/ws`;
}

function newStream(session: WebSession, store: LiveStore, token: () => string | undefined | Promise<string | undefined>): StreamClient {
  return new StreamClient({
    url: streamUrl(),
    token,
    topics: streamTopics(session.scopes),
    handlers: store.handlers(),
    backoff: { initialMs: 300, maxMs: 10_000 },
  });
}

/** Which mode serves this page (the web server when it does not say). */
export async function detectMode(): Promise<Mode> {
  const response = await fetch("/web/config", { credentials: "same-origin" }).catch(() => null);
  const config = response?.ok ? ((await response.json().catch(() => ({}))) as { mode?: unknown }) : {};
  return config.mode === "bridge" ? "bridge" : "server";
}

export function backendFor(mode: Mode): Backend {
  return mode === "bridge" ? bridgeBackend() : serverBackend();
}

/** Through the web server: a session cookie and a CSRF token, no bridge token in the page. */
function serverBackend(): Backend {
  return {
    mode: "server",
    async current() {
      const response = await fetch("/session", { credentials: "same-origin" });
      if (response.status === 401) return null;
      return json<WebSession>(response);
    },
    async login(username, password) {
      const response = await fetch("/session/login", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username, password }),
      });
      return json<WebSession>(response);
    },
    async logout(session) {
      await fetch("/session/logout", {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRF-Token": session.csrf ?? "" },
      }).catch(() => undefined); // unreachable: the server ends the session when it idles out
    },
    rest(session, onExpired) {
      return createRestClient({
        baseUrl: window.location.origin,
        fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
          const request = new Request(input, { ...init, credentials: "same-origin" });
          request.headers.set("X-CSRF-Token", session.csrf ?? "");
          const response = await fetch(request);
          if (response.status === 401) onExpired(await expiredText(response));
          return response;
        },
      });
    },
    // The server puts the session's real token into the stream's auth message.
    stream: (session, store) => newStream(session, store, () => "web-session"),
  };
}

interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  scopes: string[];
}

/** Straight to the bridge: its tokens in this closure only, refreshed when due. */
export function bridgeBackend(now: () => number = Date.now): Backend {
  let tokens: { access: string; refresh: string; expiresAt: number } | null = null;
  let refreshing: Promise<void> | null = null;

  const keep = (pair: TokenPair) => {
    tokens = { access: pair.access_token, refresh: pair.refresh_token, expiresAt: now() + pair.expires_in * 1000 };
  };
  const refresh = async (): Promise<void> => {
    const held = tokens;
    if (!held) return;
    const response = await fetch("/api/v1/auth/refresh", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: held.refresh }),
    });
    if (response.ok) keep(await json<TokenPair>(response));
    else if (response.status === 401) tokens = null; // the refresh token expired or was revoked
  };
  /** The access token to send now, refreshed first when it is about to expire. */
  const access = async (): Promise<string | undefined> => {
    if (tokens && now() >= tokens.expiresAt - REFRESH_MARGIN_MS) {
      refreshing ??= refresh().finally(() => (refreshing = null));
      await refreshing.catch(() => undefined); // unreachable bridge: the request fails on its own
    }
    return tokens?.access;
  };

  return {
    mode: "bridge",
    current: async () => null, // nothing survives a reload: the tokens were in memory only
    async login(username, password) {
      const response = await fetch("/api/v1/auth/login", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username, password }),
      });
      if (response.status === 401) throw new Error("wrong username or password");
      const pair = await json<TokenPair>(response);
      keep(pair);
      return { username, scopes: pair.scopes };
    },
    async logout() {
      const token = tokens?.access;
      tokens = null;
      if (!token) return;
      await fetch("/api/v1/auth/logout", { method: "POST", headers: { Authorization: `Bearer ${token}` } }).catch(() => undefined);
    },
    rest(_session, onExpired) {
      return createRestClient({
        baseUrl: window.location.origin,
        token: access,
        fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
          const response = await fetch(new Request(input, { ...init, credentials: "omit" }));
          // The bridge keeps its logins in memory: a restart forgets them.
          if (response.status === 401) onExpired(SESSION_GONE);
          return response;
        },
      });
    },
    stream: (session, store) => newStream(session, store, access),
  };
}
