/** Orders and positions: live from the stream over a REST history, with filters and cancel. */
import { useMemo, useState } from "react";

import { Button, Cell, ErrorText, Field, INPUT, Panel, Table } from "../components/ui";
import { STALE_AFTER_MS } from "../components/Status";
import { unwrap, useApp, useLive, useNow, usePoll } from "../context";
import { nodeControls } from "../nodeControls";
import { freshness } from "../store/live";
import { money, num, pnlClass, time } from "../format";
import type { Order, Position } from "../store/live";

/** REST history overlaid with the stream's newer records. */
function merged<T>(history: T[] | null, live: Record<string, T>, key: (item: T) => string): T[] {
  return Object.values({ ...Object.fromEntries((history ?? []).map((item) => [key(item), item])), ...live });
}

/** How often the positions are read while the screen is shown: their open P&L moves with the quotes. */
export const POSITIONS_POLL_MS = 2000;

/**
 * The positions to show: the latest `GET /positions` (its open P&L marked at the current
 * quotes, as the Spreads screen's) and the positions the stream announced since then. A
 * stream record is sent on fills only, so its open P&L is that of the last fill.
 */
export function positionRows(polled: Position[] | null, live: Record<string, Position>): Position[] {
  const latest = Object.fromEntries((polled ?? []).map((p) => [p.position_id, p]));
  // A close the stream reported after the read wins: a closed position's P&L no longer moves.
  for (const p of Object.values(live)) if (!p.is_open) latest[p.position_id] = p;
  return merged(Object.values(live), latest, (p) => p.position_id);
}

export function Orders() {
  const { rest, session } = useApp();
  const live = useLive();
  const blocked = nodeControls(live.status, freshness(live, useNow(), STALE_AFTER_MS)).actionsBlocked;
  const [openOnly, setOpenOnly] = useState(false);
  const [strategy, setStrategy] = useState("");
  const [instrument, setInstrument] = useState("");
  const [error, setError] = useState<string | null>(null);
  const trade = session.scopes.includes("trade") || session.scopes.includes("admin");
  const orderHistory = usePoll(async () => (await unwrap(rest.GET("/api/v1/orders", { params: { query: { limit: 500 } } }))) as Order[], 0);
  const positionHistory = usePoll(
    async () => (await unwrap(rest.GET("/api/v1/positions", { params: { query: { open_only: false } } }))) as Position[],
    POSITIONS_POLL_MS,
  );
  const orders = useMemo(
    () =>
      merged(orderHistory.data, live.orders, (o) => o.client_order_id)
        .filter((o) => (!openOnly || o.is_open) && (!strategy || o.strategy_id === strategy) && o.instrument_id.toUpperCase().includes(instrument.toUpperCase()))
        .sort((a, b) => b.ts_last.localeCompare(a.ts_last) || b.client_order_id.localeCompare(a.client_order_id)),
    [orderHistory.data, live.orders, openOnly, strategy, instrument],
  );
  const positions = useMemo(
    () =>
      positionRows(positionHistory.data, live.positions)
        .filter((p) => (!openOnly || p.is_open) && (!strategy || p.strategy_id === strategy) && p.instrument_id.toUpperCase().includes(instrument.toUpperCase()))
        .sort((a, b) => Number(b.is_open) - Number(a.is_open) || b.opened_at.localeCompare(a.opened_at)),
    [positionHistory.data, live.positions, openOnly, strategy, instrument],
  );
  const strategies = [...new Set(merged(orderHistory.data, live.orders, (o) => o.client_order_id).map((o) => o.strategy_id))].sort();

  const cancel = async (id: string) => {
    try {
      setError(null);
      await unwrap(rest.POST("/api/v1/orders/{client_order_id}/cancel", { params: { path: { client_order_id: id } } }));
    } catch (e) {
      setError(`cancel ${id}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  return (
    <div className="grid gap-4">
      <Panel title="Filters">
        <div className="flex flex-wrap items-end gap-4">
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={openOnly} onChange={(e) => setOpenOnly(e.target.checked)} data-testid="open-only" /> Open only
          </label>
          <Field label="Strategy">
            <select className={INPUT} value={strategy} onChange={(e) => setStrategy(e.target.value)}>
              <option value="">all</option>
              {strategies.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </Field>
          <Field label="Instrument contains">
            <input className={INPUT} value={instrument} onChange={(e) => setInstrument(e.target.value)} />
          </Field>
        </div>
        <ErrorText error={error ?? orderHistory.error ?? positionHistory.error} />
      </Panel>
      <Panel title={`Orders (${orders.length})`}>
        <Table label="orders" head={["Order", "Strategy", "Instrument", "Side", "Type", "Status", "Qty", "Filled", "Price", "Avg", "Updated", ""]}>
          {orders.map((o) => (
            <tr key={o.client_order_id} data-testid="order-row" data-order-id={o.client_order_id} data-status={o.status}>
              <Cell className="text-xs">{o.client_order_id}</Cell>
              <Cell className="text-xs">{o.strategy_id}</Cell>
              <Cell>{o.instrument_id}</Cell>
              <Cell className={o.side === "SELL" ? "text-rose-300" : "text-emerald-300"}>{o.side}</Cell>
              <Cell>{o.type}</Cell>
              <Cell>{o.status}</Cell>
              <Cell>{num(o.quantity, 0)}</Cell>
              <Cell>{num(o.filled_qty, 0)}</Cell>
              <Cell>{num(o.price)}</Cell>
              <Cell>{num(o.avg_px)}</Cell>
              <Cell>{time(o.ts_last)}</Cell>
              <Cell>
                {o.is_open ? (
                  <Button
                    tone="danger"
                    disabled={!trade || blocked !== null}
                    title={blocked ?? undefined}
                    onClick={() => void cancel(o.client_order_id)}
                    aria-label={`cancel ${o.client_order_id}`}
                  >
                    Cancel
                  </Button>
                ) : null}
              </Cell>
            </tr>
          ))}
        </Table>
      </Panel>
      <Panel title={`Positions (${positions.length})`}>
        <Table label="positions" head={["Position", "Instrument", "Side", "Qty", "Avg open", "Realized", "Open P&L", "Opened", "Closed"]}>
          {positions.map((p) => (
            <tr key={p.position_id} data-testid="position-row" data-open={p.is_open}>
              <Cell className="text-xs">{p.position_id}</Cell>
              <Cell>{p.instrument_id}</Cell>
              <Cell>{p.side}</Cell>
              <Cell>{num(p.quantity, 0)}</Cell>
              <Cell>{num(p.avg_px_open)}</Cell>
              <Cell className={pnlClass(p.realized_pnl)}>{money(p.realized_pnl)}</Cell>
              <Cell className={pnlClass(p.unrealized_pnl)}>{money(p.unrealized_pnl)}</Cell>
              <Cell>{time(p.opened_at)}</Cell>
              <Cell>{time(p.closed_at)}</Cell>
            </tr>
          ))}
        </Table>
      </Panel>
    </div>
  );
}
