/** Overview: capital curve, P&L today and in total, trading state and the kill switch, connection. */
import { useState } from "react";

import { KillSwitch } from "../components/KillSwitch";
import { LineChart } from "../components/LineChart";
import { ConnectionBadge, STALE_AFTER_MS, TradingStateBadge } from "../components/Status";
import { Button, ErrorText, Figure, Panel } from "../components/ui";
import { unwrap, useApp, useLive, useNow } from "../context";
import { ageSeconds, money, num, pnlClass, time } from "../format";
import { nodeControls, UNKNOWN } from "../nodeControls";
import { freshness } from "../store/live";

/** IST (UTC+05:30, no daylight saving): the NSE's day. */
const IST_OFFSET_MS = (5 * 60 + 30) * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The start of the current trading day (midnight IST) in ms since the epoch. */
export function startOfIstDay(now: number): number {
  return Math.floor((now + IST_OFFSET_MS) / DAY_MS) * DAY_MS - IST_OFFSET_MS;
}

export function Overview() {
  const { rest, session, reconnect } = useApp();
  const live = useLive();
  const now = useNow();
  const [error, setError] = useState<string | null>(null);
  const capital = live.capital;
  const openPnl = live.spreads.reduce((sum, s) => sum + (s.unrealized_pnl ?? 0), 0);
  const totalPnl = capital ? capital.capital - capital.initial_capital + openPnl : null;
  const before = live.capitalHistory.filter((c) => Date.parse(c.ts) < startOfIstDay(now)).at(-1);
  const todayBase = before?.capital ?? capital?.initial_capital ?? null;
  const todayPnl = capital && todayBase !== null ? capital.capital - todayBase + openPnl : null;
  const fresh = freshness(live, now, STALE_AFTER_MS);
  const node = nodeControls(live.status, fresh);
  const status = node.status;
  /** A node field, "unknown" (greyed) while the bridge is unreachable, "—" before any status. */
  const field = (text: (s: NonNullable<typeof status>) => string) =>
    node.unreachable ? <span className="text-slate-400">{UNKNOWN}</span> : status ? text(status) : "—";
  const trade = session.scopes.includes("trade") || session.scopes.includes("admin");
  const control = async (path: "/api/v1/control/reduce" | "/api/v1/control/resume") => {
    try {
      setError(null);
      await unwrap(rest.POST(path));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const flat = Object.values(live.positions).every((p) => !p.is_open) && Object.values(live.orders).every((o) => !o.is_open);

  return (
    <div className="grid gap-4 lg:grid-cols-3">
      <div className="grid gap-4 lg:col-span-2">
        <Panel title="Capital and P&L">
          <div className="mb-4 grid grid-cols-2 gap-4 md:grid-cols-4">
            <Figure label="Capital" value={money(capital?.capital)} testId="capital" />
            <Figure label="P&L today" value={money(todayPnl)} className={pnlClass(todayPnl)} testId="pnl-today" />
            <Figure label="P&L total" value={money(totalPnl)} className={pnlClass(totalPnl)} testId="pnl-total" />
            <Figure label="Open P&L" value={money(openPnl)} className={pnlClass(openPnl)} testId="pnl-open" />
            <Figure label="Deployed" value={money(capital?.deployed)} />
            <Figure label="Drawdown" value={capital ? `${num(capital.drawdown_pct, 3)} %` : "—"} />
            <Figure label="Realized" value={money(capital?.realized_pnl)} className={pnlClass(capital?.realized_pnl)} />
            <Figure label="Charges" value={money(capital?.commissions)} />
          </div>
          <LineChart
            label="Capital over time"
            formatX={time}
            formatY={(y) => money(y)}
            series={[
              {
                name: "capital",
                className: "stroke-sky-300",
                points: live.capitalHistory.map((c) => ({ x: Date.parse(c.ts), y: c.capital })),
              },
            ]}
          />
        </Panel>
        <Panel title="Open spreads">
          <p className="text-sm text-slate-200" data-testid="open-spreads">
            {live.spreads.length} open spread{live.spreads.length === 1 ? "" : "s"} ·{" "}
            {Object.values(live.positions).filter((p) => p.is_open).length} open positions ·{" "}
            {Object.values(live.orders).filter((o) => o.is_open).length} working orders
            {flat ? " · flat" : ""}
          </p>
        </Panel>
      </div>
      <div className="grid content-start gap-4">
        <Panel title="Trading">
          <div className="mb-3 flex items-center gap-2 text-sm">
            State <TradingStateBadge state={status?.trading_state} unreachable={node.unreachable} />
          </div>
          <KillSwitch triggered={status?.kill_switch.triggered ?? false} blocked={node.killBlocked} />
          {status?.kill_switch.triggered ? (
            <p className="mt-2 text-sm text-slate-200" data-testid="kill-progress">
              {status.kill_switch.done ? "Kill switch done: everything flat, trading HALTED." : "Kill switch running: cancelling and closing…"}
              {status.kill_switch.reason ? ` Reason: ${status.kill_switch.reason}` : ""}
            </p>
          ) : null}
          <div className="mt-3 flex gap-2">
            <Button disabled={!trade || status?.trading_state !== "ACTIVE"} onClick={() => void control("/api/v1/control/reduce")}>
              Reduce only
            </Button>
            <Button disabled={!trade || status?.trading_state !== "REDUCING"} onClick={() => void control("/api/v1/control/resume")}>
              Resume
            </Button>
          </div>
          <ErrorText error={error} />
        </Panel>
        <Panel title="Connection" actions={<Button onClick={reconnect}>Reconnect</Button>}>
          <dl className="grid grid-cols-2 gap-x-3 gap-y-1 text-sm">
            <dt className="text-slate-300">Stream</dt>
            <dd>
              <ConnectionBadge freshness={fresh} /> <span data-testid="connection">{live.connection}</span>
            </dd>
            <dt className="text-slate-300">Last market data</dt>
            <dd data-testid="data-age">
              {live.lastDataAt === null ? "—" : `${time(new Date(live.lastDataAt).toISOString())} (${ageSeconds(new Date(live.lastDataAt).toISOString(), now)} s ago)`}
            </dd>
            <dt className="text-slate-300">Market data</dt>
            <dd data-testid="data-client">{field((s) => (s.data_connected ? "connected" : "DISCONNECTED"))}</dd>
            <dt className="text-slate-300">Execution</dt>
            <dd data-testid="exec-client">{field((s) => (s.exec_connected ? "connected" : "DISCONNECTED"))}</dd>
            <dt className="text-slate-300">Market session</dt>
            <dd>{field((s) => `${s.market_session.kind}, ${s.market_session.is_open ? "open" : "closed"}`)}</dd>
            <dt className="text-slate-300">Events</dt>
            <dd data-testid="events">
              {live.eventsApplied} (seq {live.position?.seq ?? "—"}, {live.resumes} resumes, {live.snapshots} snapshots)
            </dd>
            <dt className="text-slate-300">Node</dt>
            <dd>{status ? `${status.trader_id}, since ${time(status.started_at)}` : "—"}</dd>
          </dl>
        </Panel>
      </div>
    </div>
  );
}
