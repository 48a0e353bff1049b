import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";

import { leftPadding, LineChart } from "../src/components/LineChart";
import { PayoffChart } from "../src/components/PayoffChart";
import { ConnectionBadge, EnvironmentBanner, StaleWarning, TradingStateBadge } from "../src/components/Status";
import { newKey } from "../src/screens/Builder";
import { auditRecords } from "../src/screens/Audit";
import { summaryText } from "../src/screens/Backtests";
import { startOfIstDay } from "../src/screens/Overview";

describe("environment banner", () => {
  it("says LIVE means real money, in red", () => {
    const html = renderToStaticMarkup(<EnvironmentBanner environment="live" />);
    expect(html).toContain(">LIVE<");
    expect(html).toContain("real money");
    expect(html).toContain("bg-red-700");
  });

  it("says PAPER means no real money, in amber", () => {
    const html = renderToStaticMarkup(<EnvironmentBanner environment="paper" />);
    expect(html).toContain(">PAPER<");
    expect(html).toContain("no real money");
    expect(html).toContain("bg-amber-300");
  });

  it("never shows a known environment before the node said which", () => {
    const html = renderToStaticMarkup(<EnvironmentBanner environment={null} />);
    expect(html).toContain("UNKNOWN");
    expect(html).not.toMatch(/PAPER|LIVE/);
  });
});

describe("state and freshness", () => {
  it("names the trading state and the connection", () => {
    expect(renderToStaticMarkup(<TradingStateBadge state="HALTED" />)).toContain("HALTED");
    expect(renderToStaticMarkup(<ConnectionBadge freshness="stale" />)).toContain("STALE");
    expect(renderToStaticMarkup(<ConnectionBadge freshness="disconnected" />)).toContain("DISCONNECTED");
  });

  it("warns with the data's age when stale, with the reason when disconnected, and not when live", () => {
    const now = 1_000_000;
    expect(renderToStaticMarkup(<StaleWarning freshness="live" lastDataAt={now} reason={null} now={now} />)).toBe("");
    const stale = renderToStaticMarkup(<StaleWarning freshness="stale" lastDataAt={now - 20_000} reason={null} now={now} />);
    expect(stale).toContain("20 s ago");
    expect(stale).toContain('role="alert"');
    const down = renderToStaticMarkup(<StaleWarning freshness="disconnected" lastDataAt={null} reason="no heartbeat" now={now} />);
    expect(down).toContain("Disconnected");
    expect(down).toContain("no heartbeat");
  });
});

describe("charts", () => {
  it("draws a payoff with the spot and the breakevens marked", () => {
    const legs = [
      { strike: 25_550, right: "PE" as const, quantity: 65, entry: 9.3, iv: 0.16 },
      { strike: 25_750, right: "PE" as const, quantity: -65, entry: 24.6, iv: 0.14 },
    ];
    const html = renderToStaticMarkup(<PayoffChart label="payoff" legs={legs} spot={26_000} years={2 / 365} breakevens={[25_734.7]} />);
    expect(html).toContain('aria-label="payoff"');
    expect(html).toContain("spot 26");
    expect(html).toContain("BE 25");
    expect(html.match(/<polyline/g)).toHaveLength(2); // at expiry and now
    expect(html).toContain("now (Black-76");
  });

  it("keeps the y labels clear of the axis and the line, however wide", () => {
    const points = [
      { x: 0, y: 10_00_000 },
      { x: 1, y: 10_12_345.67 },
    ];
    const format = (y: number) => `₹${y.toFixed(2)}`;
    const html = renderToStaticMarkup(<LineChart label="capital" formatY={format} series={[{ name: "capital", points, className: "" }]} />);
    const axis = Number(/<line x1="([\d.]+)" x2="\1"/.exec(html)?.[1]);
    const labels = [...html.matchAll(/<text x="([\d.]+)" y="[\d.]+" text-anchor="end"[^>]*>([^<]+)</g)].slice(0, 2); // the x axis' end follows
    expect(labels.map((m) => m[2])).toEqual(["₹1012345.67", "₹1000000.00"]);
    for (const [, x, text] of labels) {
      expect(Number(x)).toBeLessThan(axis); // right-aligned before the axis
      expect(Number(x) - (text ?? "").length * 7).toBeGreaterThanOrEqual(0); // and inside the chart
    }
    expect(leftPadding(["₹10,00,00,000.00"])).toBeGreaterThan(leftPadding(["₹1.00"]));
  });

  it("says so when there is not enough to draw", () => {
    expect(renderToStaticMarkup(<LineChart label="x" series={[{ name: "a", points: [{ x: 1, y: 1 }], className: "" }]} />)).toContain("Not enough data");
  });
});

describe("idempotency keys", () => {
  it("are fresh each time and within the bridge's 8 to 128 characters", () => {
    const keys = new Set(Array.from({ length: 50 }, newKey));
    expect(keys.size).toBe(50);
    for (const key of keys) expect(key.length).toBeGreaterThanOrEqual(8);
    for (const key of keys) expect(key.length).toBeLessThanOrEqual(128);
  });
});

describe("the trading day", () => {
  it("starts at midnight IST", () => {
    expect(new Date(startOfIstDay(Date.parse("2026-11-29T10:00:00Z"))).toISOString()).toBe("2026-11-28T18:30:00.000Z");
    expect(new Date(startOfIstDay(Date.parse("2026-11-29T18:45:00Z"))).toISOString()).toBe("2026-11-29T18:30:00.000Z");
  });
});

describe("audit records", () => {
  it("lists live records first, then the history newest first, each record once", () => {
    const a = { source: "audit", ts: "2026-11-29T10:00:00Z", subject: "admin", action: "POST /api/v1/auth/login", status: 200 };
    const b = { source: "audit", ts: "2026-11-29T10:01:00Z", subject: "admin", action: "POST /api/v1/control/kill", status: 200 };
    const c = { source: "audit", ts: "2026-11-29T10:02:00Z", subject: "admin", action: "POST /api/v1/control/resume", status: 409 };
    const other = { source: "node", ts: "2026-11-29T10:02:00Z" };
    expect(auditRecords([a, b], [c, other, b])).toEqual([c, b, a]);
  });
});

describe("backtest summaries", () => {
  it("show the headline figures, with a dash for what is missing", () => {
    expect(summaryText({ pnl_total: -103.53, trades: 0, win_rate: null, charges_total: 103.53 })).toBe(
      "P&L -₹103.53 · 0 trades · win rate — · charges ₹103.53",
    );
  });
});
