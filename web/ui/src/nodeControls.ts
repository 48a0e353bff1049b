/**
 * What the node's status lets the interface show and do. While the bridge is unreachable (the
 * stream disconnected) nothing of the last status is trusted: the trading state and the
 * clients are unknown and every action is disabled. A stopped node has nothing to kill, and
 * after the kill switch (HALTED) the bridge refuses to start strategies.
 */
import type { Freshness, NodeStatus } from "./store/live";

/** What is shown for the node's state and clients while the bridge is unreachable. */
export const UNKNOWN = "unknown — bridge unreachable";

export interface NodeControls {
  /** The status to show, or null when it is not known (never received, or unreachable). */
  status: NodeStatus | null;
  /** Whether the bridge is unreachable (the shown state is then `UNKNOWN`). */
  unreachable: boolean;
  /** Why the kill switch cannot be fired now, or null when it can. */
  killBlocked: string | null;
  /** Why no action (an order, a spread, a strategy's start or stop) can be sent now, or null. */
  actionsBlocked: string | null;
  /** Why strategies cannot be started now (stopping may still be allowed), or null. */
  startBlocked: string | null;
}

export function nodeControls(status: NodeStatus | null, fresh: Freshness): NodeControls {
  const unreachable = fresh === "disconnected";
  const known = unreachable ? null : status;
  const state = known?.trading_state;
  const actionsBlocked = unreachable ? "The bridge is unreachable" : null;
  const killBlocked =
    actionsBlocked ??
    (known === null
      ? "The node's state is not known yet"
      : state === "STOPPED"
        ? "The node is stopped: nothing to kill"
        : known.kill_switch.triggered
          ? "The kill switch has fired"
          : null);
  const startBlocked =
    actionsBlocked ??
    (state === "HALTED" ? "Trading is HALTED after the kill switch: restart the node to trade again" : state === "STOPPED" ? "The node is stopped" : null);
  return { status: known, unreachable, killBlocked, actionsBlocked, startBlocked };
}
