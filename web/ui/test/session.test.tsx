/** A login the node no longer knows (it restarted): the login form says so. */
import { renderToStaticMarkup } from "react-dom/server";
import { afterEach, describe, expect, it, vi } from "vitest";

import { backendFor, bridgeBackend, SESSION_GONE } from "../src/api";
import { Login } from "../src/screens/Login";

const REFUSED = "the node restarted or the login expired: sign in again";

describe("an ended login", () => {
  afterEach(() => vi.unstubAllGlobals());

  function answer(body: unknown) {
    vi.stubGlobal("window", { location: { origin: "http://ui.test", host: "ui.test", protocol: "http:" } });
    vi.stubGlobal("fetch", async () => Response.json(body, { status: 401 }));
  }

  it("passes the web server's reason on (server mode)", async () => {
    answer({ detail: REFUSED });
    const expired = vi.fn();
    await backendFor("server").rest({ username: "ana", scopes: ["read"], csrf: "c" }, expired).GET("/api/v1/status");
    expect(expired).toHaveBeenCalledWith(REFUSED);
  });

  it("says the node may have restarted when the bridge refuses its token (bridge mode)", async () => {
    answer({ detail: "invalid or expired token" });
    const expired = vi.fn();
    await bridgeBackend().rest({ username: "ana", scopes: ["read"] }, expired).GET("/api/v1/status");
    expect(expired).toHaveBeenCalledWith(SESSION_GONE);
  });

  it("is explained on the login form, announced at once (an alert)", () => {
    const html = renderToStaticMarkup(<Login login={async () => ({ username: "", scopes: [] })} onLogin={() => undefined} notice={REFUSED} />);
    expect(html).toContain(REFUSED);
    expect(html).toContain('role="alert"');
    expect(renderToStaticMarkup(<Login login={async () => ({ username: "", scopes: [] })} onLogin={() => undefined} />)).not.toContain('role="alert"');
  });
});
