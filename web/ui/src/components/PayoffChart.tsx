/** A spread's payoff at expiry and now, with the underlying and the breakevens marked. */
import { money, num } from "../format";
import { payoffCurve, type PayoffLeg } from "../payoff";
import { LineChart, type Marker } from "./LineChart";

export function PayoffChart({ legs, spot, years, breakevens, label }: { legs: PayoffLeg[]; spot: number | null; years: number; breakevens: number[]; label: string }) {
  if (legs.length === 0) return <p className="text-sm text-slate-300">No open legs.</p>;
  const curve = payoffCurve(legs, spot, years);
  const markers: Marker[] = breakevens.map((b) => ({ x: b, label: `BE ${num(b, 0)}`, className: "stroke-slate-400" }));
  if (spot !== null) markers.push({ x: spot, label: `spot ${num(spot, 0)}`, className: "stroke-sky-300" });
  const now = curve.every((p) => p.now !== null) ? curve.map((p) => ({ x: p.price, y: p.now ?? 0 })) : [];
  return (
    <div>
      <LineChart
        label={label}
        zeroLine
        formatY={(y) => money(y)}
        series={[
          { name: "expiry", points: curve.map((p) => ({ x: p.price, y: p.expiry })), className: "stroke-amber-300" },
          ...(now.length > 0 ? [{ name: "now", points: now, className: "stroke-sky-300", dashed: true }] : []),
        ]}
        markers={markers}
      />
      <p className="text-xs text-slate-300">
        <span className="text-amber-300">━ at expiry</span>
        {now.length > 0 ? (
          <>
            {" · "}
            <span className="text-sky-300">┅ now (Black-76, leg IVs)</span>
          </>
        ) : null}
        {` · vertical: ${spot === null ? "breakevens" : "spot and breakevens"}`}
      </p>
    </div>
  );
}
