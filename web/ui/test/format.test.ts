/** Money with the sign first, times and dates in IST, and a human reason for a closed stream. */
import { describe, expect, it } from "vitest";

import { date, dateTime, money, pnlClass, time } from "../src/format";
import { closeText } from "../src/store/live";

describe("formatting", () => {
  it("puts the minus before the rupee sign", () => {
    expect(money(-204.33)).toBe("-₹204.33");
    expect(money(150000)).toBe("₹1,50,000.00");
    expect(money(0)).toBe("₹0.00");
    expect(money(null)).toBe("—");
    expect(pnlClass(-58.5).split(" ")).toEqual(["whitespace-nowrap", "text-rose-300"]); // no break after the minus
  });

  it("shows times and dates in IST, dates as 01 Dec 2026", () => {
    expect(time("2026-11-29T10:00:00Z")).toBe("15:30:00");
    expect(time(Date.parse("2026-11-29T18:45:00Z"))).toBe("00:15:00");
    expect(date("2026-12-01")).toBe("01 Dec 2026");
    expect(date("2026-11-29T18:45:00Z")).toBe("30 Nov 2026"); // already the next day in India
    expect(dateTime("2026-12-01T10:00:00Z")).toBe("01 Dec 2026, 15:30:00");
    expect([time(null), date(undefined), dateTime("")]).toEqual(["—", "—", "—"]);
  });
});

describe("a closed stream", () => {
  it("says why in words, not by its code", () => {
    expect(closeText(1011, "")).toBe("the bridge could not be reached or hit an error");
    expect(closeText(4429, "")).toMatch(/fell behind/);
    expect(closeText(4999, "")).toBe("the connection closed unexpectedly");
    expect(closeText(1011, "the bridge is not reachable")).toBe("the bridge is not reachable");
    expect(closeText(1011, "")).not.toMatch(/code/);
  });
});
