import { request } from "node:http";

import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { RateLimiter, sameOrigin } from "../src/security.js";
import { readCookie, SessionStore } from "../src/sessions.js";
import { bridgePath } from "../src/proxy.js";
import { relayableCode } from "../src/stream.js";
import { Stack } from "./stack.js";

describe("web server in front of a real bridge", () => {
  const stack = new Stack();
  let cookie = "";
  let csrf = "";

  beforeAll(async () => {
    await stack.start({ loginLimit: 8 });
    const session = await stack.login();
    expect(session.setCookie).toMatch(/HttpOnly/);
    expect(session.setCookie).toMatch(/SameSite=Strict/);
    ({ cookie, csrf } = session);
  });

  afterAll(async () => {
    await stack.stop();
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${stack.webUrl}${path}`, { headers: { Cookie: cookie, ...headers } });
  const post = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${stack.webUrl}${path}`, { method: "POST", headers: { Cookie: cookie, "Content-Type": "application/json", ...headers }, body: "{}" });

  it("answers a login with a session and a CSRF token, never a bridge token", async () => {
    const { body } = await stack.login();
    expect(Object.keys(body).sort()).toEqual(["csrf", "scopes", "username"]);
    expect(JSON.stringify(body)).not.toMatch(/access|refresh/);
    const wrong = await fetch(`${stack.webUrl}/session/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: stack.username, password: "not it" }),
    });
    expect(wrong.status).toBe(401);
  });

  it("proxies REST reads with the session's token, and refuses them without a session", async () => {
    const health = await get("/api/v1/health");
    expect(health.status).toBe(200);
    expect(health.headers.get("x-options-nt-environment")).toBe("paper");
    expect(((await health.json()) as { environment: string }).environment).toBe("paper");
    expect((await fetch(`${stack.webUrl}/api/v1/health`)).status).toBe(401);
  });

  it("needs the CSRF token and the same origin for anything that acts", async () => {
    expect((await post("/api/v1/control/reduce")).status).toBe(403);
    expect((await post("/api/v1/control/reduce", { "X-CSRF-Token": "wrong" })).status).toBe(403);
    const crossSite = await post("/api/v1/control/reduce", { "X-CSRF-Token": csrf, Origin: "http://evil.example" });
    expect(crossSite.status).toBe(403);
    const passed = await post("/api/v1/control/reduce", { "X-CSRF-Token": csrf });
    // It reached the bridge (which has no node to control here).
    expect(passed.headers.get("x-options-nt-environment")).toBe("paper");
    expect([401, 403]).not.toContain(passed.status);
  });

  it("does not expose the bridge's auth and token routes, however the path is spelled", async () => {
    expect((await get("/api/v1/tokens")).status).toBe(404);
    expect((await post("/api/v1/auth/refresh", { "X-CSRF-Token": csrf })).status).toBe(404);
    // fetch() would tidy these paths up: send them as they are.
    for (const path of ["/api/v1/orders/../tokens", "/api/v1/%2e%2e/v1/tokens", "/api/v1/auth%2Frefresh", "/api/v1/x/..%2F..%2Fv1/tokens"]) {
      const status = await new Promise<number>((resolve, reject) => {
        const url = new URL(stack.webUrl);
        const req = request({ host: url.hostname, port: url.port, path, method: "POST", headers: { Cookie: cookie, "X-CSRF-Token": csrf } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end("{}");
      });
      expect({ path, status }).toEqual({ path, status: 404 });
    }
  });

  it("says to sign in again when the bridge no longer accepts the session (a restarted node)", async () => {
    const { cookie: own } = await stack.login();
    const session = stack.web.sessions.get(readCookie(own, "ont_session"))!;
    // What a restart does to the bridge's logins: the session's tokens are unknown to it.
    await fetch(`${stack.bridgeUrl}/api/v1/auth/logout`, { method: "POST", headers: { Authorization: `Bearer ${session.access}` } });
    const refused = await fetch(`${stack.webUrl}/api/v1/health`, { headers: { Cookie: own } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ detail: "the node restarted or the login expired: sign in again" });
    const after = await fetch(`${stack.webUrl}/api/v1/health`, { headers: { Cookie: own } });
    expect(((await after.json()) as { detail: string }).detail).toMatch(/sign in again$/);
  });

  it("sets the security headers on every answer", async () => {
    for (const path of ["/", "/some/screen", "/api/v1/health"]) {
      const response = await get(path);
      expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    }
    expect(await (await get("/some/screen")).text()).toContain("<title>ui</title>");
  });

  it("has the browser revalidate index.html on every load", async () => {
    for (const path of ["/", "/index.html", "/some/screen"]) {
      expect({ path, cache: (await get(path)).headers.get("cache-control") }).toEqual({ path, cache: "no-cache" });
    }
  });

  it("tells the page it is served by the web server", async () => {
    expect(await (await get("/web/config")).json()).toEqual({ mode: "server" });
  });

  it("relays the stream with the session's token put into the auth message", async () => {
    const socket = new WebSocket(`${stack.webUrl.replace("http", "ws")}/api/v1/ws`, { headers: { Cookie: cookie, Origin: stack.webUrl } });
    const messages: Record<string, unknown>[] = [];
    const waitFor = (predicate: (m: Record<string, unknown>) => boolean) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not received; got ${JSON.stringify(messages)}`)), 30_000);
        const check = () => {
          const found = messages.find(predicate);
          if (found) {
            clearTimeout(timer);
            resolve(found);
          } else setTimeout(check, 20);
        };
        check();
      });
    socket.on("message", (data) => messages.push(...(JSON.parse(String(data)) as Record<string, unknown>[])));
    await new Promise((resolve) => socket.once("open", resolve));
    socket.send(JSON.stringify({ type: "auth", token: "anything" }));
    const hello = await waitFor((m) => m.type === "hello");
    expect(hello.subject).toBe(stack.username);
    socket.send(JSON.stringify({ type: "subscribe", topics: ["orders"], instruments: [], resume: null }));
    await waitFor((m) => m.type === "snapshot");
    await stack.command("publish orders 3");
    const third = await waitFor((m) => m.type === "event" && (m.data as { n: number }).n === 3);
    expect(third.topic).toBe("orders");
    socket.close();
  });

  it("refuses the stream without a session or from another origin", async () => {
    for (const headers of [{ Origin: stack.webUrl }, { Cookie: cookie, Origin: "http://evil.example" }]) {
      const socket = new WebSocket(`${stack.webUrl.replace("http", "ws")}/api/v1/ws`, { headers });
      const status = await new Promise<number>((resolve) => {
        socket.once("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0));
        socket.once("error", () => resolve(-1));
      });
      expect(status).toBe(403);
    }
  });

  it("never limits successful logins, however many", async () => {
    for (let i = 0; i < 12; i += 1) expect((await stack.login()).body.username).toBe(stack.username);
  });

  it("limits failed logins per address", async () => {
    let last: Response | undefined;
    for (let i = 0; i < 10; i += 1) {
      last = await fetch(`${stack.webUrl}/session/login`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        // Another name each time: the bridge's own lockout is per name.
        body: JSON.stringify({ username: `nobody${i}`, password: "x" }),
      });
    }
    expect(last?.status).toBe(429);
    expect(((await last?.json()) as { detail: string }).detail).toContain("from this address");
    expect(Number(last?.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("failed logins of one browser", () => {
  const stack = new Stack();

  beforeAll(async () => {
    // Browsers reach the web server through a proxy on loopback (the test sends its header).
    await stack.start({ trustProxy: "loopback" });
  });

  afterAll(async () => {
    await stack.stop();
  });

  const guess = (address: string, username: string) =>
    fetch(`${stack.webUrl}/session/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Forwarded-For": address },
      body: JSON.stringify({ username, password: "not it" }),
    });

  it("lock out that browser's address at the bridge, not everyone's, and say how long to wait", async () => {
    let last: Response | undefined;
    // The bridge locks an address after 4 x 5 failures (another name each time).
    for (let i = 0; i < 21 && last?.status !== 429; i += 1) last = await guess("203.0.113.7", `nobody${i}`);
    expect(last?.status).toBe(429);
    expect(((await last?.json()) as { detail: string }).detail).toBe("too many failed logins: try again later");
    expect(Number(last?.headers.get("retry-after"))).toBeGreaterThan(60);
    const other = await stack.login({ "X-Forwarded-For": "198.51.100.2" });
    expect(other.body.username).toBe(stack.username);
  });
});

describe("web server behind TLS (--secure-cookies)", () => {
  const stack = new Stack();

  beforeAll(async () => {
    await stack.start({ secureCookies: true });
  });

  afterAll(async () => {
    await stack.stop();
  });

  it("marks the session cookie Secure and asks for HTTPS from then on", async () => {
    const { setCookie } = await stack.login();
    expect(setCookie).toMatch(/; Secure/);
    expect((await fetch(stack.webUrl)).headers.get("strict-transport-security")).toContain("max-age=");
  });
});

describe("rate limit, origin, cookie and close codes", () => {
  it("counts failures per key in fixed windows", () => {
    let now = 0;
    const limiter = new RateLimiter(2, 1000, () => now);
    limiter.fail("a");
    limiter.fail("b");
    expect([limiter.wait("a"), limiter.wait("b")]).toEqual([0, 0]);
    limiter.fail("a");
    expect([limiter.wait("a"), limiter.wait("b")]).toEqual([1, 0]);
    now = 1000;
    expect(limiter.wait("a")).toBe(0);
  });

  it("forwards only /api/v1 paths, resolved and decoded as the bridge will see them", () => {
    expect(bridgePath("/api/v1/orders?limit=5&open_only=true")).toBe("/api/v1/orders?limit=5&open_only=true");
    expect(bridgePath("/api/v1/backtests/run%201/report.html")).toBe("/api/v1/backtests/run%201/report.html");
    for (const raw of ["/api/v1/auth/login", "/api/v1/tokens/abc", "/api/v1/a/../tokens", "/api/v1/%2e%2e/v1/auth/me", "/api/v1/auth%2Fme", "/api/v1/x%2F..%2Ftokens", "/api/v2/x", "/api/v1/%E0%A4%A"]) {
      expect({ raw, forwarded: bridgePath(raw) }).toEqual({ raw, forwarded: null });
    }
  });

  it("ends idle sessions", () => {
    let now = 0;
    const sessions = new SessionStore(1000, () => now);
    const tokens = { access_token: "a", refresh_token: "r", expires_in: 900, scopes: ["read"] };
    const kept = sessions.create("u", tokens);
    const idle = sessions.create("v", tokens);
    now = 900;
    expect(sessions.get(kept.id)).toBe(kept); // seen: its idle time starts again
    now = 1500;
    sessions.prune();
    expect(sessions.size).toBe(1);
    expect(sessions.get(idle.id)).toBeUndefined();
    now = 2901;
    expect(sessions.get(kept.id)).toBeUndefined();
  });

  it("knows the same origin, a cookie and the close codes a browser may get", () => {
    expect(sameOrigin(undefined, "h:1")).toBe(true);
    expect(sameOrigin("http://h:1", "h:1")).toBe(true);
    expect(sameOrigin("http://other:1", "h:1")).toBe(false);
    expect(sameOrigin("not a url", "h:1")).toBe(false);
    expect(readCookie("a=1; ont_session=x%3Dy; b=2", "ont_session")).toBe("x=y");
    expect(readCookie(undefined, "ont_session")).toBeUndefined();
    expect([1000, 4429, 1006, 1005].map(relayableCode)).toEqual([1000, 4429, 1011, 1011]);
  });
});
