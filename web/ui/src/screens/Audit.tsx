/**
 * Audit log (admin scope): every acting request (logins, orders, kill switch, ...) as the bridge
 * records it: the latest records from `GET /audit`, then live from the stream's `logs` topic.
 */
import { useMemo } from "react";

import { Cell, ErrorText, Panel, Table } from "../components/ui";
import { unwrap, useApp, useLive, usePoll } from "../context";
import { time } from "../format";
import type { LogRecord } from "../store/live";

const HISTORY = 500;

function key(record: LogRecord): string {
  return `${record.ts}|${record.subject ?? ""}|${record.action ?? ""}|${record.status ?? ""}`;
}

/** History and live records, newest first, each once. */
export function auditRecords(history: LogRecord[], live: LogRecord[]): LogRecord[] {
  const seen = new Set<string>();
  const all = [...live.filter((r) => r.source === "audit"), ...[...history].reverse()];
  return all.filter((record) => {
    const k = key(record);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The audit log is the admins': others are told so (the bridge sends them none of it). */
export function Audit() {
  const { session } = useApp();
  if (!session.scopes.includes("admin")) {
    return (
      <Panel title="Audit log">
        <p data-testid="audit-needs-admin" className="text-sm text-slate-300">
          The audit log needs the admin scope: {session.username} ({session.scopes.join(", ") || "no scope"}) does not see it, neither
          its history nor its records as they happen.
        </p>
      </Panel>
    );
  }
  return <AuditLog />;
}

function AuditLog() {
  const { rest } = useApp();
  const live = useLive();
  const history = usePoll(
    async () => (await unwrap(rest.GET("/api/v1/audit", { params: { query: { limit: HISTORY } } }))) as LogRecord[],
    0,
  );
  const records = useMemo(() => auditRecords(history.data ?? [], live.logs), [history.data, live.logs]);
  return (
    <Panel title="Audit log">
      <p className="mb-3 text-sm text-slate-300">Newest first: the last {HISTORY} records, then each new one as it happens.</p>
      <ErrorText error={history.error} />
      <Table label="audit records" head={["Time", "Who", "From", "Action", "Result", "Status", "Detail"]}>
        {records.map((r) => (
          <tr key={key(r)} data-testid="audit-row">
            <Cell>{time(r.ts)}</Cell>
            <Cell>{r.subject ?? "—"}</Cell>
            <Cell>{r.client ?? "—"}</Cell>
            <Cell>{r.action ?? "—"}</Cell>
            <Cell className={r.result === "ok" ? "text-emerald-300" : "text-rose-300"}>{r.result ?? "—"}</Cell>
            <Cell>{r.status ?? "—"}</Cell>
            <Cell className="max-w-md truncate text-xs">{r.detail ? JSON.stringify(r.detail) : ""}</Cell>
          </tr>
        ))}
      </Table>
    </Panel>
  );
}
