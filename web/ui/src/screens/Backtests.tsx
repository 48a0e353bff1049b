/** Backtests: run the default backtest over dates, follow its progress, open the reports. */
import { useState } from "react";

import { Button, Cell, ErrorText, Field, INPUT, Panel, Table } from "../components/ui";
import { unwrap, useApp, usePoll } from "../context";
import { dateTime, money, num, pct } from "../format";

/** The headline figures of a run's `summary.json`. */
export function summaryText(summary: Record<string, unknown>): string {
  const figure = (key: string) => (typeof summary[key] === "number" ? (summary[key] as number) : null);
  const parts = [
    `P&L ${money(figure("pnl_total"))}`,
    `${figure("trades") ?? "—"} trades`,
    `win rate ${pct(figure("win_rate"))}`,
    `charges ${money(figure("charges_total"))}`,
  ];
  return parts.join(" · ");
}

function reportUrl(name: string): string {
  return `/api/v1/backtests/${encodeURIComponent(name)}/report.html`;
}

/** What the screen says when the bridge serves no results folder (it then asks nothing else). */
export const NO_RESULTS = "Backtests need a results folder: start the bridge with --results DIR.";

/** The screen: the runs and results when the bridge serves them, else the note once. */
export function Backtests() {
  const { rest } = useApp();
  const health = usePoll(() => unwrap(rest.GET("/api/v1/health")), 0);
  if (health.data === null) return <ErrorText error={health.error} />;
  return health.data.results ? <ServedBacktests /> : <NoResults />;
}

/** Run disabled and the note: no request to /backtests (each would be a 503). */
export function NoResults() {
  return (
    <Panel title="Run a backtest">
      <div className="flex flex-wrap items-end gap-3">
        <Button tone="primary" disabled title={NO_RESULTS}>
          Run
        </Button>
      </div>
      <p className="mt-2 text-sm text-slate-300" data-testid="no-results">
        {NO_RESULTS}
      </p>
    </Panel>
  );
}

function ServedBacktests() {
  const { rest, session } = useApp();
  const results = usePoll(() => unwrap(rest.GET("/api/v1/backtests")), 10_000);
  const jobs = usePoll(() => unwrap(rest.GET("/api/v1/backtests/jobs")), 2000);
  const [start, setStart] = useState("");
  const [end, setEnd] = useState("");
  const [error, setError] = useState<string | null>(null);
  const trade = session.scopes.includes("trade") || session.scopes.includes("admin");
  const run = async () => {
    try {
      setError(null);
      await unwrap(rest.POST("/api/v1/backtests/jobs", { body: { start: start || null, end: end || null } }));
      jobs.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <div className="grid gap-4">
      <Panel title="Run a backtest">
        <div className="flex flex-wrap items-end gap-3">
          <Field label="Start">
            <input className={INPUT} type="date" value={start} onChange={(e) => setStart(e.target.value)} />
          </Field>
          <Field label="End">
            <input className={INPUT} type="date" value={end} onChange={(e) => setEnd(e.target.value)} />
          </Field>
          <Button tone="primary" disabled={!trade} onClick={() => void run()}>
            Run
          </Button>
        </div>
        <ErrorText error={error ?? jobs.error} />
      </Panel>
      <Panel title="Runs">
        <Table label="backtest runs" head={["Run", "Status", "Started", "Seconds", "Last line", ""]}>
          {(jobs.data ?? []).map((job) => (
            <tr key={job.id} data-testid="backtest-run">
              <Cell>{job.name}</Cell>
              <Cell>{job.status}</Cell>
              <Cell>{dateTime(job.started)}</Cell>
              <Cell>{num(job.elapsed_secs, 0)}</Cell>
              <Cell className="max-w-md truncate text-xs">{job.last_line}</Cell>
              <Cell>
                {job.status === "finished" ? (
                  <a className="text-sky-300 underline" href={reportUrl(job.name)} target="_blank" rel="noreferrer">
                    Report
                  </a>
                ) : null}
              </Cell>
            </tr>
          ))}
        </Table>
      </Panel>
      <Panel title="Results">
        <ErrorText error={results.error} />
        <Table label="backtest results" head={["Result", "Modified", "Summary", ""]}>
          {(results.data ?? []).map((r) => (
            <tr key={r.name} data-testid="backtest-result">
              <Cell>{r.name}</Cell>
              <Cell>{dateTime(r.modified)}</Cell>
              <Cell className="max-w-lg truncate">{summaryText(r.summary)}</Cell>
              <Cell>
                {r.has_report ? (
                  <a className="text-sky-300 underline" href={reportUrl(r.name)} target="_blank" rel="noreferrer">
                    Report
                  </a>
                ) : null}
              </Cell>
            </tr>
          ))}
        </Table>
      </Panel>
    </div>
  );
}
