/** Number and time formatting for the screens (INR, Indian digit grouping). */
const inr = new Intl.NumberFormat("en-IN", { maximumFractionDigits: 2, minimumFractionDigits: 2 });
const plain = new Intl.NumberFormat("en-IN", { maximumFractionDigits: 2 });

export function money(value: number | null | undefined): string {
  return value === null || value === undefined || Number.isNaN(value) ? "—" : `₹${inr.format(value)}`;
}

export function num(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  return digits === 2 ? plain.format(value) : value.toFixed(digits);
}

export function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : `${(value * 100).toFixed(1)}%`;
}

/** A P&L figure's colour class (AA contrast on the dark background). */
export function pnlClass(value: number | null | undefined): string {
  if (!value) return "text-slate-100";
  return value > 0 ? "text-emerald-300" : "text-rose-300";
}

export function time(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleTimeString("en-GB", { hour12: false }) : "—";
}

export function ageSeconds(iso: string | null | undefined, now: number): number | null {
  return iso ? Math.max(0, Math.round((now - Date.parse(iso)) / 1000)) : null;
}
