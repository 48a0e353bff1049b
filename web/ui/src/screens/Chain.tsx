/** Option chain: one expiry's calls and puts (bid, ask, IV, delta), refreshed every two seconds. */
import { useState } from "react";

import { Cell, ErrorText, Field, INPUT, Panel, Table } from "../components/ui";
import { unwrap, useApp, usePoll } from "../context";
import { date, num, pct } from "../format";

type Underlying = "NIFTY" | "BANKNIFTY";

export function Chain() {
  const { rest } = useApp();
  const [underlying, setUnderlying] = useState<Underlying>("NIFTY");
  const [expiry, setExpiry] = useState("");
  const chain = usePoll(
    () => unwrap(rest.GET("/api/v1/chain", { params: { query: expiry ? { underlying, expiry } : { underlying } } })),
    2000,
    [underlying, expiry],
  );
  const data = chain.data;
  const atm = data?.spot ?? null;
  return (
    <Panel title="Option chain">
      <div className="mb-3 flex flex-wrap items-end gap-4">
        <Field label="Underlying">
          <select className={INPUT} value={underlying} onChange={(e) => (setUnderlying(e.target.value as Underlying), setExpiry(""))}>
            <option>NIFTY</option>
            <option>BANKNIFTY</option>
          </select>
        </Field>
        <Field label="Expiry">
          <select className={INPUT} value={expiry || data?.expiry || ""} onChange={(e) => setExpiry(e.target.value)}>
            {(data?.expiries ?? []).map((e) => (
              <option key={e} value={e}>
                {date(e)}
              </option>
            ))}
          </select>
        </Field>
        <p className="text-sm text-slate-200" data-testid="chain-spot">
          spot {num(data?.spot)} · forward {num(data?.forward)} · {num((data?.years_to_expiry ?? 0) * 365, 2)} days
        </p>
      </div>
      <ErrorText error={chain.error} />
      <Table label="option chain" head={["Call bid", "Call ask", "Call IV", "Call Δ", "Strike", "Put bid", "Put ask", "Put IV", "Put Δ"]}>
        {(data?.rows ?? []).map((row) => {
          const near = atm !== null && Math.abs(row.strike - atm) < (data?.rows.length ? Math.abs((data.rows[1]?.strike ?? row.strike) - (data.rows[0]?.strike ?? 0)) / 2 : 0);
          return (
            <tr key={row.strike} data-testid="chain-row" className={near ? "bg-slate-800" : ""}>
              <Cell>{num(row.call?.bid)}</Cell>
              <Cell>{num(row.call?.ask)}</Cell>
              <Cell>{pct(row.call?.iv)}</Cell>
              <Cell>{num(row.call?.delta, 3)}</Cell>
              <Cell className="font-semibold">{row.strike}</Cell>
              <Cell>{num(row.put?.bid)}</Cell>
              <Cell>{num(row.put?.ask)}</Cell>
              <Cell>{pct(row.put?.iv)}</Cell>
              <Cell>{num(row.put?.delta, 3)}</Cell>
            </tr>
          );
        })}
      </Table>
    </Panel>
  );
}
