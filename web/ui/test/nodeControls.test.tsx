/** The node's state and actions: unknown and disabled while the bridge is unreachable. */
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";

import { TradingStateBadge } from "../src/components/Status";
import { nodeControls, UNKNOWN } from "../src/nodeControls";
import type { NodeStatus } from "../src/store/live";

const status = (trading_state: NodeStatus["trading_state"], triggered = false): NodeStatus =>
  ({
    environment: "paper",
    trader_id: "TRADER-001",
    running: trading_state !== "STOPPED",
    started_at: "2026-11-27T03:45:00Z",
    trading_state,
    kill_switch: { triggered, done: triggered, reason: null },
    data_connected: true,
    exec_connected: true,
    clients: [],
    last_data_at: null,
  }) as unknown as NodeStatus;

describe("the node's controls", () => {
  it("trust nothing of the last status while the bridge is unreachable, and allow no action", () => {
    const node = nodeControls(status("ACTIVE"), "disconnected");
    expect(node.status).toBeNull();
    expect(node.unreachable).toBe(true);
    expect(node.killBlocked).toMatch(/unreachable/);
    expect(node.startBlocked).toMatch(/unreachable/);
    expect(node.actionsBlocked).toMatch(/unreachable/);
  });

  it("allow everything on an active node, even with stale data", () => {
    for (const fresh of ["live", "stale"] as const) {
      expect(nodeControls(status("ACTIVE"), fresh)).toMatchObject({ unreachable: false, killBlocked: null, startBlocked: null, actionsBlocked: null });
    }
  });

  it("have nothing to kill on a stopped node, and start no strategy once HALTED", () => {
    expect(nodeControls(status("STOPPED"), "live").killBlocked).toBe("The node is stopped: nothing to kill");
    const halted = nodeControls(status("HALTED", true), "live");
    expect(halted.killBlocked).toBe("The kill switch has fired");
    expect(halted.startBlocked).toMatch(/^Trading is HALTED/);
    expect(halted.actionsBlocked).toBeNull(); // stopping stays possible
    expect(nodeControls(null, "live").killBlocked).toMatch(/not known/);
  });

  it("show the trading state greyed as unknown while unreachable", () => {
    const unknown = renderToStaticMarkup(<TradingStateBadge state="ACTIVE" unreachable />);
    expect(unknown).toContain(UNKNOWN);
    expect(unknown).not.toContain("ACTIVE");
    expect(unknown).toContain("text-slate-300");
    expect(renderToStaticMarkup(<TradingStateBadge state="ACTIVE" />)).toContain(">ACTIVE<");
  });
});
