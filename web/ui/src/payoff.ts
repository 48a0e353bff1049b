/**
 * A spread's P&L over the underlying's price: at expiry (intrinsic values) and now (Black-76
 * with each leg's implied volatility, rate 0, forward = underlying). Pure functions.
 */
export interface PayoffLeg {
  strike: number;
  right: "CE" | "PE";
  /** Signed units held: negative for a short. */
  quantity: number;
  /** Price paid or received per unit. */
  entry: number;
  /** Implied volatility (annual, 0.15 = 15 %); null when unknown. */
  iv: number | null;
}

export interface PayoffPoint {
  price: number;
  expiry: number;
  now: number | null;
}

function normCdf(x: number): number {
  // Abramowitz and Stegun 7.1.26 (error below 1.5e-7).
  const t = 1 / (1 + 0.3275911 * Math.abs(x) / Math.SQRT2);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

export function intrinsic(right: "CE" | "PE", strike: number, price: number): number {
  return right === "CE" ? Math.max(0, price - strike) : Math.max(0, strike - price);
}

/** Black-76 price of one option (rate 0). */
export function black76(right: "CE" | "PE", strike: number, forward: number, iv: number, years: number): number {
  if (years <= 0 || iv <= 0) return intrinsic(right, strike, forward);
  const sd = iv * Math.sqrt(years);
  const d1 = (Math.log(forward / strike) + (sd * sd) / 2) / sd;
  const d2 = d1 - sd;
  const call = forward * normCdf(d1) - strike * normCdf(d2);
  return right === "CE" ? call : call - forward + strike;
}

/** P&L of the legs at `price`: at expiry, and now when every leg has a volatility. */
export function payoffAt(legs: PayoffLeg[], price: number, years: number): PayoffPoint {
  let expiry = 0;
  let now: number | null = 0;
  for (const leg of legs) {
    expiry += leg.quantity * (intrinsic(leg.right, leg.strike, price) - leg.entry);
    now = leg.iv === null || now === null ? null : now + leg.quantity * (black76(leg.right, leg.strike, price, leg.iv, years) - leg.entry);
  }
  return { price, expiry, now };
}

/** The price range to draw: the strikes, the spot and a margin either side. */
export function priceRange(legs: PayoffLeg[], spot: number | null): [number, number] {
  const marks = legs.map((leg) => leg.strike).concat(spot === null ? [] : [spot]);
  if (marks.length === 0) return [0, 1];
  const low = Math.min(...marks);
  const high = Math.max(...marks);
  const pad = Math.max((high - low) * 0.6, low * 0.01);
  return [low - pad, high + pad];
}

export function payoffCurve(legs: PayoffLeg[], spot: number | null, years: number, steps = 120): PayoffPoint[] {
  const [low, high] = priceRange(legs, spot);
  return Array.from({ length: steps + 1 }, (_, i) => payoffAt(legs, low + ((high - low) * i) / steps, years));
}

/** Years from now to an expiry timestamp (0 once passed). */
export function yearsTo(expiry: string | null | undefined, now: number): number {
  if (!expiry) return 0;
  return Math.max(0, (Date.parse(expiry) - now) / (365 * 24 * 3600 * 1000));
}
