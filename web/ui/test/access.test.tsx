/** What a user's scopes let the page read, and the bridge mode's tokens (memory only, refreshed). */
import { renderToStaticMarkup } from "react-dom/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { bridgeBackend, type WebSession } from "../src/api";
import { AppContext, type AppContextValue } from "../src/context";
import { Audit } from "../src/screens/Audit";
import { LiveStore, streamTopics } from "../src/store/live";

describe("the logs topic", () => {
  it("is subscribed to by admins only", () => {
    expect(streamTopics(["admin"])).toContain("logs");
    for (const scopes of [["read"], ["trade"], []]) {
      const topics = streamTopics(scopes);
      expect(topics).not.toContain("logs");
      expect(topics).toEqual(["orders", "fills", "positions", "spreads", "capital", "status", "quotes"]);
    }
  });

  it("leaves the audit screen saying the log needs the admin scope", () => {
    const value = { session: { username: "ana", scopes: ["trade"] }, store: new LiveStore() } as unknown as AppContextValue;
    const html = renderToStaticMarkup(
      <AppContext.Provider value={value}>
        <Audit />
      </AppContext.Provider>,
    );
    expect(html).toContain("needs the admin scope");
    expect(html).toContain("ana (trade)");
    expect(html).not.toContain("audit records");
  });
});

describe("bridge mode", () => {
  const calls: { url: string; auth: string | null; body: string }[] = [];
  let clock = 0;
  let issued = 0;

  function pair() {
    issued += 1;
    return { access_token: `access-${issued}`, refresh_token: `refresh-${issued}`, token_type: "bearer", expires_in: 900, scopes: ["read"] };
  }

  beforeEach(() => {
    calls.length = 0;
    clock = 1_000_000;
    issued = 0;
    vi.stubGlobal("window", { location: { origin: "http://ui.test", host: "ui.test", protocol: "http:" } });
    vi.stubGlobal("fetch", async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input instanceof Request ? input : new URL(String(input), "http://ui.test"), init);
      calls.push({ url: new URL(request.url).pathname, auth: request.headers.get("authorization"), body: await request.text() });
      const path = new URL(request.url).pathname;
      if (path === "/api/v1/auth/login") {
        return JSON.parse(calls.at(-1)!.body).password === "right"
          ? Response.json(pair())
          : Response.json({ detail: "wrong user name or password" }, { status: 401 });
      }
      if (path === "/api/v1/auth/refresh") return Response.json(pair());
      return Response.json({ subject: "ana", scopes: ["read"] });
    });
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("logs in with the bridge's auth route and sends the access token as a bearer", async () => {
    const backend = bridgeBackend(() => clock);
    await expect(backend.login("ana", "wrong")).rejects.toThrow("wrong username or password");
    const session: WebSession = await backend.login("ana", "right");
    expect(session).toEqual({ username: "ana", scopes: ["read"] });
    expect(JSON.stringify(session)).not.toMatch(/access|refresh/);
    const expired = vi.fn();
    await backend.rest(session, expired).GET("/api/v1/auth/me");
    expect(calls.at(-1)).toMatchObject({ url: "/api/v1/auth/me", auth: "Bearer access-1" });
    expect(expired).not.toHaveBeenCalled();
  });

  it("refreshes the access token before it expires, once for parallel requests", async () => {
    const backend = bridgeBackend(() => clock);
    const session = await backend.login("ana", "right");
    const rest = backend.rest(session, () => undefined);
    clock += 839_000; // more than a minute left: no refresh yet
    await rest.GET("/api/v1/auth/me");
    expect(calls.at(-1)?.auth).toBe("Bearer access-1");
    clock += 2_000; // within a minute of the end of its 900 s
    await Promise.all([rest.GET("/api/v1/auth/me"), rest.GET("/api/v1/status")]);
    const refreshes = calls.filter((c) => c.url === "/api/v1/auth/refresh");
    expect(refreshes).toEqual([{ url: "/api/v1/auth/refresh", auth: null, body: JSON.stringify({ refresh_token: "refresh-1" }) }]);
    expect(calls.slice(-2).map((c) => c.auth)).toEqual(["Bearer access-2", "Bearer access-2"]);
  });

  it("forgets the tokens at logout and has no session after a reload", async () => {
    const backend = bridgeBackend(() => clock);
    const session = await backend.login("ana", "right");
    await backend.logout(session);
    expect(calls.at(-1)).toMatchObject({ url: "/api/v1/auth/logout", auth: "Bearer access-1" });
    await backend.rest(session, () => undefined).GET("/api/v1/auth/me");
    expect(calls.at(-1)?.auth).toBeNull();
    expect(await bridgeBackend().current()).toBeNull();
  });
});
