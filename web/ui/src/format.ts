/** Number and time formatting for the screens (INR, Indian digit grouping; times in IST). */
const inr = new Intl.NumberFormat("en-IN", { maximumFractionDigits: 2, minimumFractionDigits: 2 });
const plain = new Intl.NumberFormat("en-IN", { maximumFractionDigits: 2 });

/** Rupees with the sign first: "-₹204.33". */
export function money(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  return `${value < 0 ? "-" : ""}₹${inr.format(Math.abs(value))}`;
}

export function num(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  return digits === 2 ? plain.format(value) : value.toFixed(digits);
}

export function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : `${(value * 100).toFixed(1)}%`;
}

/** A P&L figure's classes: its colour (AA contrast on the dark background), on one line ("-₹58.50" never breaks after the minus). */
export function pnlClass(value: number | null | undefined): string {
  if (!value) return "whitespace-nowrap text-slate-100";
  return `whitespace-nowrap ${value > 0 ? "text-emerald-300" : "text-rose-300"}`;
}

/** Every time and date is shown in India's time, wherever the browser is. */
export const IST = "Asia/Kolkata";
const clock = new Intl.DateTimeFormat("en-GB", { timeZone: IST, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
const day = new Intl.DateTimeFormat("en-GB", { timeZone: IST, day: "2-digit", month: "short", year: "numeric" });

/** A time of day in IST ("15:29:58"), from a timestamp or milliseconds. */
export function time(at: string | number | null | undefined): string {
  return at === null || at === undefined || at === "" ? "—" : clock.format(new Date(at));
}

/** A day ("01 Dec 2026"): an ISO date as it is, a timestamp on its IST day. */
export function date(at: string | null | undefined): string {
  if (!at) return "—";
  // A bare date ("2026-12-01") is a calendar day: read it at IST noon, never a day off.
  return day.format(new Date(/^\d{4}-\d{2}-\d{2}$/.test(at) ? `${at}T12:00:00+05:30` : at));
}

/** A day and time in IST ("01 Dec 2026, 15:30:00"). */
export function dateTime(at: string | null | undefined): string {
  return at ? `${date(at)}, ${time(at)}` : "—";
}

export function ageSeconds(iso: string | null | undefined, now: number): number | null {
  return iso ? Math.max(0, Math.round((now - Date.parse(iso)) / 1000)) : null;
}
