/** The always-visible header pieces: the environment, the trading state, the connection. */
import { UNKNOWN } from "../nodeControls";
import type { Freshness } from "../store/live";

export const STALE_AFTER_MS = 15_000;

export function EnvironmentBanner({ environment }: { environment: string | null }) {
  const env = (environment ?? "unknown").toUpperCase();
  const live = env === "LIVE";
  const style = live ? "bg-red-700 text-white" : env === "PAPER" ? "bg-amber-300 text-slate-950" : "bg-slate-600 text-white";
  const note = live ? "real money: orders go to the exchange" : env === "PAPER" ? "simulated broker: no real money" : "environment not known yet";
  return (
    <div role="status" aria-label="environment" data-testid="environment" className={`flex items-center justify-center gap-3 px-4 py-1.5 text-sm font-bold tracking-wider ${style}`}>
      <span className="text-base">{env}</span>
      <span className="font-medium tracking-normal">{note}</span>
    </div>
  );
}

const STATE_STYLE: Record<string, string> = {
  ACTIVE: "bg-emerald-800 text-white",
  REDUCING: "bg-amber-300 text-slate-950",
  HALTED: "bg-red-700 text-white",
};

/** The trading state; greyed and "unknown" while the bridge is unreachable (`state` is then stale). */
export function TradingStateBadge({ state, unreachable = false }: { state: string | null | undefined; unreachable?: boolean }) {
  if (unreachable) {
    return (
      <span data-testid="trading-state" data-unknown="true" className="rounded bg-slate-800 px-2 py-0.5 text-sm font-medium text-slate-300">
        {UNKNOWN}
      </span>
    );
  }
  return (
    <span data-testid="trading-state" className={`rounded px-2 py-0.5 text-sm font-bold ${STATE_STYLE[state ?? ""] ?? "bg-slate-700 text-white"}`}>
      {state ?? "…"}
    </span>
  );
}

const FRESH_STYLE: Record<Freshness, string> = {
  live: "bg-emerald-800 text-white",
  stale: "bg-amber-300 text-slate-950",
  disconnected: "bg-red-700 text-white",
};

export function ConnectionBadge({ freshness }: { freshness: Freshness }) {
  return (
    <span data-testid="freshness" className={`rounded px-2 py-0.5 text-sm font-bold ${FRESH_STYLE[freshness]}`}>
      {freshness === "live" ? "LIVE DATA" : freshness === "stale" ? "STALE" : "DISCONNECTED"}
    </span>
  );
}

/** The warning shown over every screen while the data cannot be trusted. */
export function StaleWarning({ freshness, lastDataAt, reason, now }: { freshness: Freshness; lastDataAt: number | null; reason: string | null; now: number }) {
  if (freshness === "live") return null;
  const age = lastDataAt === null ? null : Math.max(0, Math.round((now - lastDataAt) / 1000));
  const text =
    freshness === "disconnected"
      ? `Disconnected from the node${reason ? ` (${reason})` : ""}: reconnecting. Figures below may be out of date.`
      : `Data is stale: last market data ${age === null ? "never" : `${age} s ago`}. Figures below may be out of date.`;
  return (
    <div role="alert" data-testid="stale-warning" className={`px-4 py-2 text-sm font-semibold ${FRESH_STYLE[freshness]}`}>
      {text}
    </div>
  );
}
