/** The Orders & positions screen's positions: open P&L as GET /positions marks it, not as of the last fill. */
import { describe, expect, it } from "vitest";

import { positionRows, POSITIONS_POLL_MS } from "../src/screens/Orders";
import type { Position } from "../src/store/live";

function position(id: string, unrealized: number | null, open = true): Position {
  return {
    position_id: id,
    strategy_id: "S-1",
    instrument_id: `${id}.NSE`,
    side: "SHORT",
    quantity: 65,
    avg_px_open: 24.6,
    realized_pnl: -20.5,
    unrealized_pnl: unrealized,
    is_open: open,
    opened_at: "2026-11-29T04:00:00Z",
    closed_at: null,
  } as Position;
}

describe("positions", () => {
  it("take the open P&L of the latest read, not the stream's record of the last fill", () => {
    const live = { P1: position("P1", 0), P2: position("P2", 0) };
    const polled = [position("P1", -204.33), position("P0", null, false)];
    const rows = positionRows(polled, live);
    expect(Object.fromEntries(rows.map((p) => [p.position_id, p.unrealized_pnl]))).toEqual({ P1: -204.33, P2: 0, P0: null });
  });

  it("show a close the stream reported after the read", () => {
    const [row] = positionRows([position("P1", -204.33)], { P1: position("P1", 0, false) });
    expect(row).toMatchObject({ position_id: "P1", is_open: false, unrealized_pnl: 0 });
  });

  it("are read again every few seconds while shown", () => {
    expect(POSITIONS_POLL_MS).toBeGreaterThan(0);
    expect(POSITIONS_POLL_MS).toBeLessThanOrEqual(5000);
  });
});
