/** Strategies: state, open orders and positions, start/stop, and the configuration. */
import type { components } from "@options-nt/client";
import { useState } from "react";

import { Button, Cell, ErrorText, Panel, Table } from "../components/ui";
import { STALE_AFTER_MS } from "../components/Status";
import { unwrap, useApp, useLive, useNow, usePoll } from "../context";
import { nodeControls } from "../nodeControls";
import { freshness } from "../store/live";

type StrategyInfo = components["schemas"]["StrategyInfo"];

/** Why Stop is disabled for a strategy the bridge protects (it answers 409), else nothing. */
export function stopHint(strategy: Pick<StrategyInfo, "protected">): string | undefined {
  return strategy.protected ? "Protected: the kill switch is never stopped (fire it from the Overview)" : undefined;
}

export function Strategies() {
  const { rest, session } = useApp();
  const list = usePoll(() => unwrap(rest.GET("/api/v1/strategies")), 3000);
  const [config, setConfig] = useState<{ id: string; text: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const trade = session.scopes.includes("trade") || session.scopes.includes("admin");
  const live = useLive();
  const node = nodeControls(live.status, freshness(live, useNow(), STALE_AFTER_MS));
  const act = async (id: string, action: "start" | "stop") => {
    try {
      setError(null);
      const path = action === "start" ? "/api/v1/strategies/{strategy_id}/start" : "/api/v1/strategies/{strategy_id}/stop";
      await unwrap(rest.POST(path, { params: { path: { strategy_id: id } } }));
      list.reload();
    } catch (e) {
      setError(`${action} ${id}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const show = async (id: string) => {
    try {
      const out = await unwrap(rest.GET("/api/v1/strategies/{strategy_id}/config", { params: { path: { strategy_id: id } } }));
      setConfig({ id, text: JSON.stringify(out.config, null, 2) });
    } catch (e) {
      setError(`config of ${id}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  return (
    <div className="grid gap-4">
      <Panel title="Strategies">
        <Table label="strategies" head={["Strategy", "Kind", "State", "Open orders", "Open positions", ""]}>
          {(list.data ?? []).map((s) => (
            <tr key={s.strategy_id} data-testid="strategy-row">
              <Cell>{s.strategy_id}</Cell>
              <Cell>{s.kind}</Cell>
              <Cell>{s.state}</Cell>
              <Cell>{s.open_orders}</Cell>
              <Cell>{s.open_positions}</Cell>
              <Cell className="flex gap-2">
                <Button
                  disabled={!trade || s.state === "RUNNING" || node.startBlocked !== null}
                  title={node.startBlocked ?? undefined}
                  onClick={() => void act(s.strategy_id, "start")}
                  aria-label={`start ${s.strategy_id}`}
                >
                  Start
                </Button>
                <Button
                  tone="danger"
                  disabled={!trade || s.state !== "RUNNING" || s.protected === true || node.actionsBlocked !== null}
                  title={stopHint(s) ?? node.actionsBlocked ?? undefined}
                  onClick={() => void act(s.strategy_id, "stop")}
                  aria-label={`stop ${s.strategy_id}`}
                >
                  Stop
                </Button>
                <Button onClick={() => void show(s.strategy_id)} aria-label={`configuration of ${s.strategy_id}`}>
                  Config
                </Button>
              </Cell>
            </tr>
          ))}
        </Table>
        <p className="mt-2 text-xs text-slate-300">Stop: no new entries; open spreads are left as they are.</p>
        <ErrorText error={error ?? list.error} />
      </Panel>
      {config ? (
        <Panel title={`Configuration of ${config.id}`}>
          <pre className="max-h-[32rem] overflow-auto text-xs text-slate-200">{config.text}</pre>
        </Panel>
      ) : null}
    </div>
  );
}
