/**
 * The interface's link to its server: the web session (login, logout, CSRF token), the typed
 * REST client and the stream client. Both go to this page's own origin; the server adds the
 * bridge's token, so no token is ever in the page.
 */
import { createRestClient, StreamClient, type RestClient } from "@options-nt/client";

import { STREAM_TOPICS, type LiveStore } from "./store/live";

export interface WebSession {
  username: string;
  scopes: string[];
  csrf: string;
}

async function json<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as T & { detail?: unknown };
  if (!response.ok) throw new Error(typeof body.detail === "string" ? body.detail : `HTTP ${response.status}`);
  return body;
}

/** The current session, or null when not logged in. */
export async function currentSession(): Promise<WebSession | null> {
  const response = await fetch("/session", { credentials: "same-origin" });
  if (response.status === 401) return null;
  return json<WebSession>(response);
}

export async function login(username: string, password: string): Promise<WebSession> {
  const response = await fetch("/session/login", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  return json<WebSession>(response);
}

export async function logout(session: WebSession): Promise<void> {
  await fetch("/session/logout", {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-CSRF-Token": session.csrf },
  }).catch(() => undefined); // unreachable: the server ends the session when it idles out
}

/**
 * The typed REST client, sending the CSRF token with every request; `onExpired` is called
 * when the server no longer knows the session (401).
 */
export function restClient(session: WebSession, onExpired: () => void): RestClient {
  return createRestClient({
    baseUrl: window.location.origin,
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, { ...init, credentials: "same-origin" });
      request.headers.set("X-CSRF-Token", session.csrf);
      const response = await fetch(request);
      if (response.status === 401) onExpired();
      return response;
    },
  });
}

/** The stream client feeding `store`; the server puts the real token into its auth message. */
export function streamClient(store: LiveStore): StreamClient {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  return new StreamClient({
    url: `${scheme}://${window.location.host}/api/v1/ws`,
    token: () => "web-session",
    topics: [...STREAM_TOPICS],
    handlers: store.handlers(),
    backoff: { initialMs: 300, maxMs: 10_000 },
  });
}

/** The body of an error answer, for a message to the user. */
export function errorText(error: unknown): string {
  if (error && typeof error === "object" && "detail" in error) {
    const detail = (error as { detail: unknown }).detail;
    if (typeof detail === "string") return detail;
    if (Array.isArray(detail)) {
      return detail.map((d: { loc?: unknown[]; msg?: string }) => `${(d.loc ?? []).join(".")}: ${d.msg ?? ""}`).join("; ");
    }
  }
  return error instanceof Error ? error.message : "request failed";
}
