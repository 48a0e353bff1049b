/** Audit log: every acting request (logins, orders, kill switch, ...) as the bridge records it. */
import { Cell, Panel, Table } from "../components/ui";
import { useLive } from "../context";
import { time } from "../format";

export function Audit() {
  const live = useLive();
  const records = live.logs.filter((record) => record.source === "audit");
  return (
    <Panel title="Audit log">
      <p className="mb-3 text-sm text-slate-300">
        Records published while this page is open, newest first. The complete log is the bridge&apos;s{" "}
        <code>bridge-audit.jsonl</code> in its state folder.
      </p>
      <Table label="audit records" head={["Time", "Who", "From", "Action", "Result", "Status", "Detail"]}>
        {records.map((r, i) => (
          <tr key={`${r.ts}-${i}`} data-testid="audit-row">
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
