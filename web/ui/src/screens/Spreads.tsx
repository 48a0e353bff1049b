/** Spreads: each open spread with legs, live P&L, net Greeks, max loss, breakevens and payoff; then the closed ones. */
import { PayoffChart } from "../components/PayoffChart";
import { Cell, Figure, Panel, Table } from "../components/ui";
import { unwrap, useApp, useLive, usePoll } from "../context";
import { dateTime, money, num, pct, pnlClass, time } from "../format";
import { yearsTo, type PayoffLeg } from "../payoff";
import type { Spread } from "../store/live";

function payoffLegs(spread: Spread): PayoffLeg[] {
  return spread.legs
    .filter((leg) => leg.is_open)
    .map((leg) => ({ strike: leg.strike, right: leg.right, quantity: leg.open_quantity, entry: leg.avg_px_open, iv: leg.iv ?? null }));
}

type Underlying = "NIFTY" | "BANKNIFTY";

function useSpot(underlyings: string[]): Record<string, number | null> {
  const { rest } = useApp();
  const key = [...new Set(underlyings)].sort().join(",");
  const { data } = usePoll(
    async () => {
      const entries = await Promise.all(
        key
          .split(",")
          .filter(Boolean)
          .map(async (u) => [u, (await unwrap(rest.GET("/api/v1/chain", { params: { query: { underlying: u as Underlying } } }))).spot ?? null] as const),
      );
      return Object.fromEntries(entries);
    },
    5000,
    [key],
  );
  return data ?? {};
}

function SpreadCard({ spread, spot }: { spread: Spread; spot: number | null }) {
  const pnl = spread.realized_pnl + (spread.unrealized_pnl ?? 0);
  return (
    <Panel title={`${spread.spread_type.replaceAll("_", " ")} · ${spread.underlying} · ${spread.lots} lot${spread.lots === 1 ? "" : "s"}`}>
      <div data-testid="spread" data-spread-id={spread.spread_id}>
        <p className="mb-3 text-xs text-slate-300">
          {spread.spread_id} · {spread.strategy_id} · expiry {dateTime(spread.expiry)} · opened {time(spread.opened_at)}
        </p>
        <div className="mb-3 grid grid-cols-2 gap-3 md:grid-cols-5">
          <Figure label="P&L" value={money(pnl)} className={pnlClass(pnl)} testId="spread-pnl" />
          <Figure label="Open P&L" value={money(spread.unrealized_pnl)} className={pnlClass(spread.unrealized_pnl)} />
          <Figure label="Max loss" value={money(spread.max_loss)} />
          <Figure label="Max profit" value={money(spread.max_profit)} />
          <Figure label="Breakevens" value={spread.breakevens.map((b) => num(b)).join(" / ") || "—"} />
        </div>
        <div className="mb-3 grid grid-cols-4 gap-3 text-sm">
          {(["delta", "gamma", "theta", "vega"] as const).map((g) => (
            <Figure key={g} label={`net ${g}`} value={spread.greeks ? num(spread.greeks[g]) : "—"} />
          ))}
        </div>
        <Table label={`legs of ${spread.spread_id}`} head={["Leg", "Side", "Qty", "Entry", "Mark", "IV", "Open P&L"]}>
          {spread.legs.map((leg) => (
            <tr key={leg.position_id}>
              <Cell>{leg.instrument_id}</Cell>
              <Cell className={leg.side === "SELL" ? "text-rose-300" : "text-emerald-300"}>{leg.side}</Cell>
              <Cell>{num(leg.open_quantity, 0)}</Cell>
              <Cell>{num(leg.avg_px_open)}</Cell>
              <Cell>{num(leg.mark)}</Cell>
              <Cell>{pct(leg.iv)}</Cell>
              <Cell className={pnlClass(leg.unrealized_pnl)}>{money(leg.unrealized_pnl)}</Cell>
            </tr>
          ))}
        </Table>
        <div className="mt-3">
          <PayoffChart label={`payoff of ${spread.spread_id}`} legs={payoffLegs(spread)} spot={spot} years={yearsTo(spread.expiry, Date.now())} breakevens={spread.breakevens} />
        </div>
      </div>
    </Panel>
  );
}

export function Spreads() {
  const { rest } = useApp();
  const live = useLive();
  const spots = useSpot(live.spreads.map((s) => s.underlying));
  const closed = usePoll(async () => (await unwrap(rest.GET("/api/v1/spreads", { params: { query: { open_only: false } } }))).filter((s) => !s.is_open), 10_000);
  return (
    <div className="grid gap-4">
      {live.spreads.length === 0 ? <Panel title="Open spreads"><p className="text-sm text-slate-300">No open spread.</p></Panel> : null}
      <div className="grid gap-4 xl:grid-cols-2">
        {live.spreads.map((spread) => (
          <SpreadCard key={spread.spread_id} spread={spread} spot={spots[spread.underlying] ?? null} />
        ))}
      </div>
      <Panel title="Closed spreads">
        <Table label="closed spreads" head={["Spread", "Type", "Lots", "Opened", "Closed", "Realized", "Charges"]}>
          {(closed.data ?? []).map((s) => (
            <tr key={s.spread_id}>
              <Cell>{s.spread_id}</Cell>
              <Cell>{s.spread_type}</Cell>
              <Cell>{s.lots}</Cell>
              <Cell>{time(s.opened_at)}</Cell>
              <Cell>{time(s.closed_at)}</Cell>
              <Cell className={pnlClass(s.realized_pnl)}>{money(s.realized_pnl)}</Cell>
              <Cell>{money(s.commissions)}</Cell>
            </tr>
          ))}
        </Table>
      </Panel>
    </div>
  );
}
