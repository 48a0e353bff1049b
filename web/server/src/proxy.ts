/**
 * REST proxy: `/api/v1/...` from a logged-in browser to the bridge, with the session's bearer
 * token added here. The bridge's own auth and token routes are not reachable through it.
 */
import type { Request, Response } from "express";

import { BridgeAuthError, type BridgeAuth } from "./bridge.js";
import type { Session } from "./sessions.js";

/** The answer when the bridge no longer accepts a session's tokens. */
export const SESSION_REFUSED = "the node restarted or the login expired: sign in again";

/** Routes a browser never reaches: tokens are this server's business. */
const BLOCKED = [/^\/api\/v1\/auth(\/|$)/, /^\/api\/v1\/tokens(\/|$)/];

/** Response headers passed back to the browser. */
const PASSED_HEADERS = ["content-type", "retry-after", "x-options-nt-environment", "content-disposition"];

/** Backtest reports are self-contained HTML with inline scripts and styles. */
const REPORT = /^\/api\/v1\/backtests\/[^/]+\/report\.html$/;

/**
 * A report's policy: its inline code runs in a sandbox (an opaque origin: no cookies, no
 * access to this interface), and it loads nothing from anywhere.
 */
export const REPORT_POLICY =
  "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; frame-ancestors 'none'";

/**
 * The path and query to forward for a request's raw URL, or null when refused: dot segments
 * are resolved (`..`, `%2e%2e`) and the path is decoded (`%2F`) before the check, as the
 * bridge will see it, so no spelling reaches a blocked route.
 */
export function bridgePath(rawUrl: string): string | null {
  const url = new URL(rawUrl, "http://web.invalid");
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (!decoded.startsWith("/api/v1/") || /\\|\/\.\.?(\/|$)/.test(decoded)) return null;
  if (BLOCKED.some((pattern) => pattern.test(decoded))) return null;
  return `${url.pathname}${url.search}`;
}

/** Forward `request` (its path, query and body) with the session's token; retry once after a 401. */
export async function proxyRest(
  auth: BridgeAuth,
  session: Session,
  path: string,
  request: Request,
  response: Response,
): Promise<void> {
  const url = `${auth.bridgeUrl}${path}`;
  const body = Buffer.isBuffer(request.body) && request.body.length > 0 ? request.body : undefined;
  const send = async (token: string) =>
    fetch(url, {
      method: request.method,
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: request.get("accept") ?? "application/json",
        ...(body ? { "Content-Type": request.get("content-type") ?? "application/json" } : {}),
        "X-Forwarded-For": request.ip ?? "",
      },
      ...(body ? { body } : {}),
    });
  let upstream: globalThis.Response;
  try {
    upstream = await send(await auth.access(session));
    if (upstream.status === 401) upstream = await send(await auth.access(session, true));
  } catch (error) {
    if (error instanceof BridgeAuthError) {
      // The bridge refused the session's refresh token too: it restarted (its logins are
      // in memory) or the login expired. The session is gone; the page says so at its login.
      response.status(401).json({ detail: SESSION_REFUSED });
    } else {
      response.status(502).json({ detail: "the bridge is not reachable" });
    }
    return;
  }
  response.status(upstream.status);
  for (const name of PASSED_HEADERS) {
    const value = upstream.headers.get(name);
    if (value !== null) response.setHeader(name, value);
  }
  if (REPORT.test(path.split("?")[0] ?? "")) response.setHeader("Content-Security-Policy", REPORT_POLICY);
  response.send(Buffer.from(await upstream.arrayBuffer()));
}
