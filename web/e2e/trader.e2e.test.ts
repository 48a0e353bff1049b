/**
 * The trader interface end to end: Chromium → the web server → the bridge → a paper node on
 * the simulator (and once straight to the bridge, which serves the interface too). One node for
 * every test, in order: the kill switch comes last.
 */
import { join } from "node:path";

import type { Page, WebSocket as PageSocket } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { lowContrast } from "./a11y.js";
import { SCREENS_DIR, Stack } from "./harness.js";

const WAIT = { timeout: 90_000 };
const LAPTOP = { width: 1280, height: 800 };
const TABLET = { width: 768, height: 1024 };
const SCREENS = ["overview", "spreads", "orders", "chain", "builder", "strategies", "backtests", "audit"];
/** What a screen shows once its data arrived (its widest content). */
const FILLED_BY: Record<string, string> = {
  overview: "capital",
  spreads: "spread",
  orders: "order-row",
  chain: "chain-row",
  strategies: "strategy-row",
  backtests: "backtest-run",
  audit: "audit-row",
};

interface Frame {
  socket: number;
  direction: "sent" | "received";
  message: Record<string, unknown>;
}

describe("trader interface", () => {
  const stack = new Stack();
  let page: Page;
  const frames: Frame[] = [];
  /** Uncaught errors and content security policy violations in the page. */
  const pageProblems: string[] = [];
  const sockets: PageSocket[] = [];

  const shot = (name: string) => page.screenshot({ path: join(SCREENS_DIR, `${name}.png`), fullPage: true });
  const text = async (testId: string) => (await page.getByTestId(testId).first().textContent()) ?? "";

  beforeAll(async () => {
    await stack.start();
    const context = await stack.browser.newContext({ viewport: LAPTOP });
    page = await context.newPage();
    page.on("pageerror", (error) => pageProblems.push(`uncaught: ${error.message}`));
    page.on("response", (response) => {
      if (!(response.headers()["content-type"] ?? "").includes("json")) return;
      void response.text().then(
        (body) => /"(access|refresh)_token"/.test(body) && pageProblems.push(`a token in ${response.url()}`),
        () => undefined, // the body of a response cut by the network test
      );
    });
    page.on("console", (message) => {
      if (/content security policy/i.test(message.text())) pageProblems.push(`csp: ${message.text()}`);
    });
    page.on("websocket", (socket) => {
      const index = sockets.push(socket) - 1;
      const record = (direction: Frame["direction"]) => (data: { payload: string | Buffer }) => {
        const parsed = JSON.parse(String(data.payload)) as Record<string, unknown> | Record<string, unknown>[];
        for (const message of Array.isArray(parsed) ? parsed : [parsed]) frames.push({ socket: index, direction, message });
      };
      socket.on("framesent", record("sent"));
      socket.on("framereceived", record("received"));
    });
  });

  afterAll(async () => {
    await stack.stop();
  });

  it("logs in and shows PAPER, the trading state and live data on the overview", async () => {
    await page.goto(stack.webUrl);
    await page.getByLabel("User").waitFor(WAIT);
    await shot("login");
    await page.getByLabel("User").fill("admin");
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("alert").filter({ hasText: "wrong username or password" }).waitFor(WAIT);

    await page.getByLabel("Password").fill(stack.password);
    const bridgeAnswer = page.waitForResponse((response) => response.url().includes("/api/v1/"), WAIT);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByTestId("environment").filter({ hasText: "PAPER" }).waitFor(WAIT);
    // The banner says what the bridge stamps on every answer.
    const environment = (await bridgeAnswer).headers()["x-options-nt-environment"] ?? "";
    expect(environment).toBe("paper");
    expect(await text("environment")).toMatch(new RegExp(`^${environment.toUpperCase()}`));
    await page.getByTestId("trading-state").first().filter({ hasText: "ACTIVE" }).waitFor(WAIT);
    await page.getByTestId("freshness").first().filter({ hasText: "LIVE DATA" }).waitFor(WAIT);
    await page.waitForFunction(() => document.querySelector("[data-testid=capital]")?.textContent?.startsWith("₹"), null, WAIT);
    expect(await text("environment")).toContain("no real money");
    expect(await page.title()).toMatch(/^PAPER · /);
  });

  it("shows an open spread whose P&L updates live", async () => {
    await page.goto(`${stack.webUrl}/#/spreads`);
    const pnl = page.getByTestId("spread-pnl").first();
    await pnl.waitFor(WAIT);
    const first = await pnl.textContent();
    await page.waitForFunction(
      (before) => {
        const now = document.querySelector("[data-testid=spread-pnl]")?.textContent;
        return now !== undefined && now !== before;
      },
      first,
      WAIT,
    );
    // The spread shows up as its first leg (a hedge) fills; wait for every leg (four for a condor).
    await page.waitForFunction(
      () => {
        const card = document.querySelector("[data-testid=spread]");
        const legs = card?.querySelector("table tbody")?.children.length ?? 0;
        return legs >= (card?.closest("section")?.textContent?.includes("iron condor") ? 4 : 2);
      },
      null,
      WAIT,
    );
    expect(await page.getByRole("img", { name: /payoff of/ }).count()).toBeGreaterThanOrEqual(1);
    await shot("spreads");
    await page.goto(`${stack.webUrl}/#/overview`);
    await page.waitForFunction(() => document.querySelector("[data-testid=open-spreads]")?.textContent?.startsWith("1 open spread"), null, WAIT);
    await shot("overview");
    await page.goto(`${stack.webUrl}/#/orders`);
    await page.getByTestId("order-row").first().waitFor(WAIT);
    await shot("orders");
  });

  it("keeps every bridge token away from the page", async () => {
    const visible = await page.evaluate(async () => ({
      cookie: document.cookie,
      local: JSON.stringify({ ...localStorage }),
      session: JSON.stringify({ ...sessionStorage }),
      me: (await (await fetch("/session")).json()) as Record<string, unknown>,
      tokens: (await fetch("/api/v1/tokens")).status,
      login: (await fetch("/api/v1/auth/refresh", { method: "POST" })).status,
    }));
    expect(visible.cookie).toBe(""); // the session cookie is HttpOnly
    expect(visible.local + visible.session).not.toMatch(/token/i);
    expect(Object.keys(visible.me).sort()).toEqual(["csrf", "scopes", "username"]);
    expect(visible.tokens).toBe(404);
    expect(visible.login).not.toBe(200);
    expect(pageProblems).toEqual([]); // no answer the page got so far carried a token
    const auth = frames.filter((f) => f.direction === "sent" && f.message.type === "auth");
    expect(auth.length).toBeGreaterThan(0);
    for (const frame of auth) expect(frame.message.token).toBe("web-session");
    const received = JSON.stringify(frames.filter((f) => f.direction === "received").map((f) => f.message));
    expect(received).not.toMatch(/access_token|refresh_token/);
  });

  it("is served by the bridge alone: logs in with the bridge's tokens, in memory only", async () => {
    const context = await stack.browser.newContext({ viewport: LAPTOP });
    const alone = await context.newPage();
    const problems: string[] = [];
    alone.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
    alone.on("console", (message) => {
      if (/content security policy/i.test(message.text())) problems.push(`csp: ${message.text()}`);
    });
    const sent: Record<string, unknown>[] = [];
    alone.on("websocket", (socket) =>
      socket.on("framesent", (data) => {
        const parsed = JSON.parse(String(data.payload)) as Record<string, unknown> | Record<string, unknown>[];
        sent.push(...(Array.isArray(parsed) ? parsed : [parsed]));
      }),
    );
    try {
      const answer = await alone.goto(`${stack.bridgeUrl}/`);
      const headers = answer?.headers() ?? {};
      expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
      expect(headers["x-content-type-options"]).toBe("nosniff");
      expect(headers["referrer-policy"]).toBe("no-referrer");
      await alone.getByLabel("User").fill("admin");
      await alone.getByLabel("Password").fill(stack.password);
      await alone.getByRole("button", { name: "Log in" }).click();
      await alone.getByTestId("environment").filter({ hasText: "PAPER" }).waitFor(WAIT);
      await alone.getByTestId("freshness").first().filter({ hasText: "LIVE DATA" }).waitFor(WAIT);
      await alone.waitForFunction(() => document.querySelector("[data-testid=capital]")?.textContent?.startsWith("₹"), null, WAIT);
      // The stream was opened with the bridge's own access token in its first message ...
      const token = String(sent.find((message) => message.type === "auth")?.token ?? "");
      expect(token.length).toBeGreaterThan(20);
      // ... which is nowhere but in the page's memory: a reload logs out.
      expect(await alone.evaluate(() => [document.cookie, JSON.stringify({ ...localStorage }), JSON.stringify({ ...sessionStorage })])).toEqual([
        "",
        "{}",
        "{}",
      ]);
      await alone.reload();
      await alone.getByLabel("User").waitFor(WAIT);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("warns while the network is down, then resumes the stream without losing an event", async () => {
    await page.goto(`${stack.webUrl}/#/overview`);
    await page.getByTestId("connection").filter({ hasText: "open" }).waitFor(WAIT);
    // Wait for events on the current socket, so there is a position to resume from.
    const dropped = sockets.length - 1;
    await page.waitForFunction(() => /\b[1-9]\d* \(seq/.test(document.querySelector("[data-testid=events]")?.textContent ?? ""), null, WAIT);
    stack.cable.unplug();
    await page.getByTestId("stale-warning").filter({ hasText: "Disconnected" }).waitFor(WAIT);
    await page.getByTestId("freshness").first().filter({ hasText: "DISCONNECTED" }).waitFor(WAIT);
    // Events while the page is away: the bridge audits (and streams) these two actions.
    await stack.bridge("POST", "/control/reduce");
    await stack.bridge("POST", "/control/resume");
    await shot("disconnected");
    stack.cable.restore();
    await page.waitForFunction(() => /[1-9]\d* resumes/.test(document.querySelector("[data-testid=events]")?.textContent ?? ""), null, WAIT);
    await page.getByTestId("freshness").first().filter({ hasText: "LIVE DATA" }).waitFor(WAIT);

    const resumedOn = sockets.length - 1;
    expect(resumedOn).toBeGreaterThan(dropped);
    const received = (socket: number, type: string) => frames.filter((f) => f.socket === socket && f.message.type === type).map((f) => f.message);
    // The client asks for everything after the last event it got before the drop ...
    const lastSeen = Math.max(...received(dropped, "event").map((m) => m.seq as number), ...received(dropped, "snapshot").map((m) => m.seq as number));
    const subscribe = received(resumedOn, "subscribe")[0];
    expect((subscribe?.resume as { seq: number }).seq).toBe(lastSeen);
    // ... the bridge replays what happened meanwhile, with no snapshot ...
    const resumed = received(resumedOn, "resumed")[0];
    expect(resumed?.from_seq).toBe(lastSeen);
    expect(resumed?.replayed as number).toBeGreaterThanOrEqual(2);
    expect(received(resumedOn, "snapshot")).toEqual([]);
    // ... so every event since the page's one snapshot arrived, in sequence (quotes are not numbered).
    const first = frames.find((f) => f.message.type === "snapshot")!.message.seq as number;
    const seqs = [...new Set(frames.filter((f) => f.message.type === "event" && f.message.topic !== "quotes").map((f) => f.message.seq as number))].sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => first + 1 + i));
    expect(await text("events")).toMatch(/ 1 snapshots/);
    await page.goto(`${stack.webUrl}/#/audit`);
    await page.getByTestId("audit-row").filter({ hasText: "/control/resume" }).waitFor(WAIT);
  });

  /** Build a bull put spread from the template, preview it and submit it after confirming. */
  async function submitFromBuilder(): Promise<void> {
    await page.goto(`${stack.webUrl}/#/builder`);
    await page.getByLabel("From a template").check();
    await page.getByTestId("spread-type").selectOption("bull_put_credit");
    await page.getByRole("button", { name: "Preview" }).click();
    await page.getByTestId("preview-max-loss").waitFor(WAIT);
    await page.getByRole("button", { name: "Submit…" }).click();
    const dialog = page.getByRole("dialog", { name: "Submit this spread?" });
    await dialog.waitFor(WAIT);
    await dialog.getByRole("button", { name: "Submit spread" }).click();
  }

  it("previews a spread built from legs picked on the chain", async () => {
    await page.goto(`${stack.webUrl}/#/builder`);
    await page.getByLabel("From legs").check();
    const strikes = page.getByLabel("Strike");
    await page.waitForFunction(() => (document.querySelector("select[name=strike]")?.querySelectorAll("option").length ?? 0) > 20, null, WAIT);
    const values = await strikes.first().locator("option").evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
    // Puts below the money: buy the lower strike (the hedge), sell the higher one.
    await strikes.nth(0).selectOption(values[10]!);
    await strikes.nth(1).selectOption(values[13]!);
    await page.getByRole("button", { name: "Preview" }).click();
    await page.getByRole("region", { name: /^Preview: bull put credit/ }).waitFor(WAIT);
    expect(await page.getByRole("table", { name: "preview legs" }).locator("tbody tr").count()).toBe(2);
  });

  it("builds and submits a spread whose legs fill hedge first", async () => {
    await submitFromBuilder();
    await page.locator("[data-testid=submission-status][data-status=open]").waitFor(WAIT);
    await page.waitForFunction(
      () => {
        const rows = [...document.querySelectorAll("[data-testid=submission-order]")];
        return rows.length >= 2 && rows.every((row) => row.getAttribute("data-status") === "FILLED");
      },
      null,
      WAIT,
    );
    await shot("builder");
    const sides = await page.getByTestId("submission-order").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-side")));
    expect(sides[0]).toBe("BUY"); // the hedge is placed first
    // and the short only once the hedge filled
    const spreadId = ((await text("submission-status")).split(":")[0] ?? "").trim();
    const orders = await stack.bridgeGet<{ side: string; ts_init: string; ts_last: string; status: string }[]>(
      `/orders?spread_id=${encodeURIComponent(spreadId)}`,
    );
    const hedge = orders.filter((o) => o.side === "BUY" && o.status === "FILLED");
    const short = orders.filter((o) => o.side === "SELL");
    expect(hedge.length).toBeGreaterThan(0);
    for (const s of short) expect(Date.parse(s.ts_init)).toBeGreaterThanOrEqual(Math.min(...hedge.map((h) => Date.parse(h.ts_last))) - 1000);
  });

  it("cancels a working order from the orders screen", async () => {
    // A spread's limit orders rest for a moment before they fill; cancel one while it does.
    let canceled = false;
    for (let attempt = 0; attempt < 3 && !canceled; attempt += 1) {
      await submitFromBuilder();
      await page.locator("[data-testid=submission-status]").waitFor(WAIT);
      await page.goto(`${stack.webUrl}/#/orders`);
      await page.getByTestId("open-only").check();
      const row = page.locator("[data-testid=order-row]").filter({ has: page.getByRole("button", { name: /^cancel / }) }).first();
      try {
        await row.waitFor({ timeout: 30_000 });
      } catch {
        continue; // every order filled first: try another spread
      }
      const id = await row.getAttribute("data-order-id");
      await row.getByRole("button", { name: /^cancel / }).click();
      await page.getByTestId("open-only").uncheck();
      const done = page.locator(`[data-testid=order-row][data-order-id="${id}"]`);
      await page.waitForFunction(
        (orderId) => {
          const status = document.querySelector(`[data-testid=order-row][data-order-id="${orderId}"]`)?.getAttribute("data-status");
          return status === "CANCELED" || status === "FILLED";
        },
        id,
        WAIT,
      );
      canceled = (await done.getAttribute("data-status")) === "CANCELED";
    }
    expect(canceled).toBe(true);
    await shot("orders-canceled");
  });

  it("shows the option chain; stops and starts a strategy; runs a backtest and opens its report", async () => {
    await page.goto(`${stack.webUrl}/#/chain`);
    await page.getByTestId("chain-row").nth(5).waitFor(WAIT);
    await page.waitForFunction(() => /spot \d/.test(document.querySelector("[data-testid=chain-spot]")?.textContent ?? ""), null, WAIT);
    await shot("chain");
    await page.goto(`${stack.webUrl}/#/strategies`);
    await page.getByTestId("strategy-row").filter({ hasText: "ManualSpreadStrategy-MANUAL" }).waitFor(WAIT);
    // Stop the automatic strategy (no new entries), then start it again.
    const auto = page.getByTestId("strategy-row").filter({ hasText: "OptionsSpreadStrategy-000" });
    await auto.getByRole("button", { name: "stop OptionsSpreadStrategy-000" }).click();
    await auto.filter({ hasText: "STOPPED" }).waitFor(WAIT);
    await auto.getByRole("button", { name: "start OptionsSpreadStrategy-000" }).click();
    await auto.filter({ hasText: "RUNNING" }).waitFor(WAIT);
    await page.getByRole("button", { name: "configuration of ManualSpreadStrategy-MANUAL" }).click();
    await page.getByRole("region", { name: "Configuration of ManualSpreadStrategy-MANUAL" }).waitFor(WAIT);
    await shot("strategies");
    // A one-day backtest in the background (a few seconds), its progress, then its report.
    await page.goto(`${stack.webUrl}/#/backtests`);
    await page.getByLabel("Start").fill("2026-01-05");
    await page.getByLabel("End").fill("2026-01-05");
    await page.getByRole("button", { name: "Run" }).click();
    const run = page.getByTestId("backtest-run").first();
    await run.waitFor(WAIT);
    await run.filter({ hasText: "finished" }).waitFor({ timeout: 150_000 });
    await page.getByTestId("backtest-result").first().waitFor(WAIT);
    await shot("backtests");
    const [report] = await Promise.all([page.waitForEvent("popup"), run.getByRole("link", { name: "Report" }).click()]);
    const reportProblems: string[] = [];
    report.on("console", (message) => {
      if (/content security policy/i.test(message.text())) reportProblems.push(message.text());
    });
    await report.locator("h1").filter({ hasText: "options-nt backtest" }).waitFor(WAIT);
    // Its charts are drawn by its inline scripts, allowed in the report's sandbox only.
    await report.locator(".plotly-graph-div .main-svg").first().waitFor(WAIT);
    expect(reportProblems).toEqual([]);
    // The sandbox gives it an opaque origin: no cookies of the interface.
    await expect(report.evaluate(() => document.cookie)).rejects.toThrow(/sandboxed/);
    await report.close();
  });

  it("meets WCAG AA contrast on every screen and is driven by the keyboard", async () => {
    for (const screen of SCREENS) {
      await page.goto(`${stack.webUrl}/#/${screen}`);
      await page.locator(`nav a[aria-current=page][href="#/${screen}"]`).waitFor(WAIT);
      await page.locator("main section").first().waitFor(WAIT);
      expect({ screen, lowContrast: await lowContrast(page) }).toEqual({ screen, lowContrast: [] });
    }
    // Keyboard only: Tab to the Spreads link, Enter follows it; the kill switch dialog opens with
    // Enter and closes with Escape.
    await page.goto(`${stack.webUrl}/#/overview`);
    await page.locator("body").focus();
    for (let i = 0; i < 20; i += 1) {
      await page.keyboard.press("Tab");
      if ((await page.evaluate(() => document.activeElement?.textContent)) === "Spreads") break;
    }
    await page.keyboard.press("Enter");
    await page.locator('nav a[aria-current=page][href="#/spreads"]').waitFor(WAIT);
    await page.goto(`${stack.webUrl}/#/overview`);
    await page.getByTestId("kill-switch").focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Fire the kill switch?" });
    await dialog.waitFor(WAIT);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden", ...WAIT });
  });

  it("fits every screen at laptop and tablet widths, with no horizontal scrolling", async () => {
    const overflowing: { screen: string; width: number; scrollWidth: number }[] = [];
    for (const viewport of [LAPTOP, TABLET]) {
      await page.setViewportSize(viewport);
      for (const screen of SCREENS) {
        await page.goto(`${stack.webUrl}/#/${screen}`);
        await page.locator(`nav a[aria-current=page][href="#/${screen}"]`).waitFor(WAIT);
        await page.locator("main section").first().waitFor(WAIT);
        if (FILLED_BY[screen]) await page.getByTestId(FILLED_BY[screen]).first().waitFor(WAIT);
        const { scrollWidth, width } = await page.evaluate(() => ({
          scrollWidth: document.scrollingElement?.scrollWidth ?? 0,
          width: window.innerWidth,
        }));
        if (scrollWidth > width) overflowing.push({ screen, width, scrollWidth });
        if (viewport === TABLET && ["overview", "spreads", "orders"].includes(screen)) await shot(`${screen}-tablet`);
      }
    }
    await page.setViewportSize(LAPTOP);
    expect(overflowing).toEqual([]);
  });

  it("fires the kill switch after confirmation: everything flat and HALTED", async () => {
    await page.goto(`${stack.webUrl}/#/overview`);
    await page.getByTestId("kill-switch").click();
    const dialog = page.getByRole("dialog", { name: "Fire the kill switch?" });
    await dialog.waitFor(WAIT);
    const fire = dialog.getByRole("button", { name: "Fire kill switch" });
    expect(await fire.isDisabled()).toBe(true);
    await page.getByTestId("kill-reason").fill("end-to-end test");
    await page.getByTestId("kill-confirm").fill("KILL");
    await shot("kill-switch-confirm");
    await fire.click();
    await page.getByTestId("trading-state").first().filter({ hasText: "HALTED" }).waitFor(WAIT);
    await page.getByTestId("kill-progress").filter({ hasText: "everything flat" }).waitFor(WAIT);
    await page.getByTestId("open-spreads").filter({ hasText: "flat" }).waitFor(WAIT);
    await shot("overview-halted");
    await page.goto(`${stack.webUrl}/#/audit`);
    await page.getByTestId("audit-row").filter({ hasText: "/control/kill" }).waitFor(WAIT);
    await shot("audit");
    expect(await stack.bridgeGet<unknown[]>("/positions?open_only=true")).toEqual([]);
    expect(await stack.bridgeGet<unknown[]>("/orders?open_only=true")).toEqual([]);
    expect((await stack.bridgeGet<{ trading_state: string }>("/control")).trading_state).toBe("HALTED");
    expect(pageProblems).toEqual([]);
  });
});
