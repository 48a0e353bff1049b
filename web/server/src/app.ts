/**
 * The web server: the built trader interface, web logins and the proxy to the bridge.
 *
 * | route                      | what                                                       |
 * |----------------------------|------------------------------------------------------------|
 * | `POST /session/login`      | `{username, password}`: logs in to the bridge (telling it the browser's address in `X-Forwarded-For`), sets the session cookie; failed logins rate limited per browser address |
 * | `GET /session`             | the logged-in user, scopes, environment and the CSRF token |
 * | `POST /session/logout`     | revokes the bridge tokens, clears the cookie               |
 * | `GET /web/config`          | `{mode: "server"}`: the page logs in here (the bridge says `bridge` when it serves the page) |
 * | `/api/v1/...`              | the bridge's REST API (not its auth or token routes); unsafe methods need `X-CSRF-Token` |
 * | `WS /api/v1/ws`            | the bridge's event stream, relayed (see `stream.ts`)        |
 * | everything else            | the interface (`index.html` for unknown paths)             |
 */
import { createServer, type Server } from "node:http";
import { basename, join } from "node:path";

import express, { type NextFunction, type Request, type Response } from "express";

import { BridgeAuth, BridgeAuthError } from "./bridge.js";
import type { ServerConfig } from "./config.js";
import { bridgePath, proxyRest } from "./proxy.js";
import { RateLimiter, sameOrigin, securityHeaders } from "./security.js";
import { readCookie, sameSecret, SESSION_COOKIE, sessionCookie, SessionStore, type Session } from "./sessions.js";
import { StreamRelay } from "./stream.js";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface WebServer {
  server: Server;
  sessions: SessionStore;
  /** Resolves once listening; the address it listens on. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

function sessionOf(sessions: SessionStore, request: Request): Session | undefined {
  return sessions.get(readCookie(request.headers.cookie, SESSION_COOKIE));
}

export function createWebServer(config: ServerConfig): WebServer {
  const sessions = new SessionStore(config.sessionIdleMs);
  const auth = new BridgeAuth(config.bridgeUrl, sessions);
  const relay = new StreamRelay(auth, sessions);
  const logins = new RateLimiter(config.loginLimit, config.loginWindowMs);
  const app = express();
  app.disable("x-powered-by");
  // The browser's address is the peer's, unless proxies in front are configured.
  app.set("trust proxy", config.trustProxy);
  app.use(securityHeaders(config.secureCookies));

  // Unsafe methods come from this origin only (the CSRF token is checked per route below).
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(request.method)) return next();
    if (!sameOrigin(request.get("origin"), request.get("host"))) {
      response.status(403).json({ detail: "cross-origin request refused" });
      return;
    }
    next();
  });

  app.post("/session/login", express.json({ limit: "4kb" }), async (request: Request, response: Response) => {
    const client = request.ip ?? "unknown";
    const wait = logins.wait(client);
    if (wait > 0) {
      response.setHeader("Retry-After", String(wait));
      response.status(429).json({ detail: "too many failed logins from this address: try again later" });
      return;
    }
    // Only failed attempts count towards the limit.
    response.on("finish", () => {
      if (response.statusCode >= 400) logins.fail(client);
    });
    const { username, password } = (request.body ?? {}) as { username?: unknown; password?: unknown };
    if (typeof username !== "string" || typeof password !== "string" || !username || !password) {
      response.status(422).json({ detail: "username and password are required" });
      return;
    }
    try {
      const tokens = await auth.login(username, password, client);
      const session = sessions.create(username, tokens);
      response.setHeader("Set-Cookie", sessionCookie(session.id, config.secureCookies));
      response.json({ username, scopes: session.scopes, csrf: session.csrf });
    } catch (error) {
      if (error instanceof BridgeAuthError) {
        if (error.retryAfter) response.setHeader("Retry-After", error.retryAfter);
        const detail = error.status === 429 ? "too many failed logins: try again later" : "wrong username or password";
        response.status(error.status === 429 ? 429 : 401).json({ detail });
      } else {
        response.status(502).json({ detail: "the bridge is not reachable" });
      }
    }
  });

  app.get("/web/config", (_request: Request, response: Response) => {
    response.json({ mode: "server" });
  });

  app.get("/session", (request: Request, response: Response) => {
    const session = sessionOf(sessions, request);
    if (!session) {
      response.status(401).json({ detail: "not logged in" });
      return;
    }
    response.setHeader("Cache-Control", "no-store");
    response.json({ username: session.username, scopes: session.scopes, csrf: session.csrf });
  });

  app.post("/session/logout", async (request: Request, response: Response) => {
    const session = sessionOf(sessions, request);
    if (session && sameSecret(request.get("x-csrf-token") ?? "", session.csrf)) await auth.logout(session);
    response.setHeader("Set-Cookie", sessionCookie("", config.secureCookies, 0));
    response.status(204).end();
  });

  app.use("/api", express.raw({ type: "*/*", limit: "256kb" }), async (request: Request, response: Response) => {
    response.setHeader("Cache-Control", "no-store");
    const path = bridgePath(request.originalUrl);
    if (path === null) {
      response.status(404).json({ detail: "not served through the web server" });
      return;
    }
    const session = sessionOf(sessions, request);
    if (!session) {
      response.status(401).json({ detail: "the session ended (idle, or the web server restarted): sign in again" });
      return;
    }
    if (!SAFE_METHODS.has(request.method) && !sameSecret(request.get("x-csrf-token") ?? "", session.csrf)) {
      response.status(403).json({ detail: "missing or wrong X-CSRF-Token" });
      return;
    }
    await proxyRest(auth, session, path, request, response);
  });

  // index.html names the hashed assets of the current build: revalidated on every load, so a
  // new build is picked up at once (the hashed assets may be cached).
  app.use(
    express.static(config.uiDir, {
      index: "index.html",
      maxAge: "1h",
      setHeaders: (response, path) => {
        if (basename(path) === "index.html") response.setHeader("Cache-Control", "no-cache");
      },
    }),
  );
  app.use((request: Request, response: Response) => {
    if (request.method !== "GET") {
      response.status(404).json({ detail: "not found" });
      return;
    }
    response.setHeader("Cache-Control", "no-cache");
    response.sendFile(join(config.uiDir, "index.html"));
  });

  const server = createServer(app);
  server.on("upgrade", (request, socket, head) => relay.upgrade(request, socket, head));
  const pruner = setInterval(() => {
    logins.prune();
    sessions.prune();
  }, config.loginWindowMs);
  pruner.unref();

  return {
    server,
    sessions,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(config.port, config.host, () => {
          const address = server.address();
          const port = typeof address === "object" && address ? address.port : config.port;
          resolve(`http://${config.host}:${port}`);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        clearInterval(pruner);
        relay.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
