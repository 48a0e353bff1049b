import { describe, expect, it } from "vitest";

import { black76, intrinsic, payoffAt, payoffCurve, yearsTo, type PayoffLeg } from "../src/payoff";

// A bull put credit spread: long the 25,550 put at 9.30, short the 25,750 put at 24.60, 65 units.
const LEGS: PayoffLeg[] = [
  { strike: 25_550, right: "PE", quantity: 65, entry: 9.3, iv: 0.16 },
  { strike: 25_750, right: "PE", quantity: -65, entry: 24.6, iv: 0.14 },
];
const CREDIT = 24.6 - 9.3;

describe("payoff at expiry", () => {
  it("keeps the credit above the short strike and loses the width less the credit below the long one", () => {
    expect(payoffAt(LEGS, 26_000, 0).expiry).toBeCloseTo(CREDIT * 65, 6);
    expect(payoffAt(LEGS, 25_000, 0).expiry).toBeCloseTo(-(200 - CREDIT) * 65, 6);
    expect(payoffAt(LEGS, 25_750 - CREDIT, 0).expiry).toBeCloseTo(0, 6); // the breakeven
  });

  it("agrees with the legs summed one by one at every point of the curve", () => {
    for (const point of payoffCurve(LEGS, 25_700, 0)) {
      const bruteForce = LEGS.reduce((sum, leg) => sum + leg.quantity * (intrinsic(leg.right, leg.strike, point.price) - leg.entry), 0);
      expect(point.expiry).toBeCloseTo(bruteForce, 6);
    }
  });
});

describe("Black-76", () => {
  it("obeys put-call parity at zero rate", () => {
    for (const strike of [24_000, 25_000, 26_000]) {
      const call = black76("CE", strike, 25_000, 0.15, 0.05);
      const put = black76("PE", strike, 25_000, 0.15, 0.05);
      expect(call - put).toBeCloseTo(25_000 - strike, 6);
    }
  });

  it("matches a textbook value and tends to the intrinsic value at expiry", () => {
    // F = K = 100, sigma = 20 %, T = 1: 100 * (2 N(0.1) - 1) = 7.9656
    expect(black76("CE", 100, 100, 0.2, 1)).toBeCloseTo(7.9656, 3);
    expect(black76("PE", 25_750, 25_500, 0.14, 1e-9)).toBeCloseTo(250, 6);
  });

  it("values the spread now strictly between its loss and profit at expiry", () => {
    const now = payoffAt(LEGS, 25_700, 2 / 365).now!;
    expect(now).toBeLessThan(CREDIT * 65);
    expect(now).toBeGreaterThan(-(200 - CREDIT) * 65);
  });
});

describe("yearsTo", () => {
  it("counts years to the expiry and stops at zero", () => {
    const now = Date.parse("2026-11-29T10:00:00Z");
    expect(yearsTo("2026-12-01T10:00:00Z", now)).toBeCloseTo(2 / 365, 9);
    expect(yearsTo("2026-11-01T10:00:00Z", now)).toBe(0);
    expect(yearsTo(null, now)).toBe(0);
  });
});
