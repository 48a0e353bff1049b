/** A small SVG line chart: series over a shared x axis, optional vertical markers. */
export interface Series {
  name: string;
  points: { x: number; y: number }[];
  className: string;
  dashed?: boolean;
}

export interface Marker {
  x: number;
  label: string;
  className: string;
}

const W = 640;
const H = 220;
const PAD = { right: 12, top: 12, bottom: 24 };
/** Width of one 11 px label character, generous (digits and "₹" are narrower). */
const CHAR_W = 7;

/** The left padding that holds the y labels, right-aligned, clear of the axis. */
export function leftPadding(labels: string[]): number {
  return Math.max(48, ...labels.map((l) => l.length * CHAR_W + 10));
}

function extent(values: number[]): [number, number] {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? [low - 1, high + 1] : [low, high];
}

export function LineChart({
  series,
  markers = [],
  label,
  formatX = (x) => x.toFixed(0),
  formatY = (y) => y.toFixed(0),
  zeroLine = false,
}: {
  series: Series[];
  markers?: Marker[];
  label: string;
  formatX?: (x: number) => string;
  formatY?: (y: number) => string;
  zeroLine?: boolean;
}) {
  const all = series.flatMap((s) => s.points);
  if (all.length < 2) return <p className="text-sm text-slate-300">Not enough data to draw yet.</p>;
  const [x0, x1] = extent(all.map((p) => p.x));
  const [y0, y1] = extent(all.map((p) => p.y).concat(zeroLine ? [0] : []));
  const padLeft = leftPadding([formatY(y0), formatY(y1)]);
  const sx = (x: number) => padLeft + ((x - x0) / (x1 - x0)) * (W - padLeft - PAD.right);
  const sy = (y: number) => PAD.top + (1 - (y - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);
  return (
    <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} className="h-auto w-full max-w-3xl">
      <text x={padLeft - 6} y={PAD.top + 10} textAnchor="end" className="fill-slate-300 text-[11px]">
        {formatY(y1)}
      </text>
      <text x={padLeft - 6} y={H - PAD.bottom} textAnchor="end" className="fill-slate-300 text-[11px]">
        {formatY(y0)}
      </text>
      <text x={padLeft} y={H - 6} className="fill-slate-300 text-[11px]">
        {formatX(x0)}
      </text>
      <text x={W - PAD.right} y={H - 6} textAnchor="end" className="fill-slate-300 text-[11px]">
        {formatX(x1)}
      </text>
      <line x1={padLeft} x2={padLeft} y1={PAD.top} y2={H - PAD.bottom} className="stroke-slate-600" />
      {zeroLine && y0 < 0 && y1 > 0 ? (
        <line x1={padLeft} x2={W - PAD.right} y1={sy(0)} y2={sy(0)} className="stroke-slate-500" strokeDasharray="2 3" />
      ) : null}
      {markers.map((m) => (
        <g key={m.label}>
          <line x1={sx(m.x)} x2={sx(m.x)} y1={PAD.top} y2={H - PAD.bottom} className={m.className} strokeWidth={1.5} />
          <text x={sx(m.x) + 3} y={PAD.top + 10} className="fill-slate-200 text-[11px]">
            {m.label}
          </text>
        </g>
      ))}
      {series.map((s) => (
        <polyline
          key={s.name}
          fill="none"
          strokeWidth={2}
          className={s.className}
          strokeDasharray={s.dashed ? "6 4" : undefined}
          points={s.points.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(" ")}
        />
      ))}
    </svg>
  );
}
