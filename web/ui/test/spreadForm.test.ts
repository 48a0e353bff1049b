/** The spread builder's typed fields: refused naming the field, never sent as null. */
import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { checkLots, checkStrikeValue, checkWingWidth, LIMITS, parseDecimal } from "../src/spreadForm";

describe("typed numbers", () => {
  it("read English and Indian digit grouping deliberately", () => {
    expect(parseDecimal("1,000")).toBe(1000);
    expect(parseDecimal("1,000,000")).toBe(1_000_000);
    expect(parseDecimal("10,00,000")).toBe(1_000_000);
    expect(parseDecimal(" 0.25 ")).toBe(0.25);
    expect(parseDecimal("150")).toBe(150);
    expect(parseDecimal("-5")).toBe(-5);
    expect(parseDecimal("-1,000.5")).toBe(-1000.5);
    for (const bad of ["abc", "1,00", "1,0000", "1e3", "12a", "-", "--5", "5-", "1.2.3", ",100"]) expect(parseDecimal(bad)).toBeNull();
  });

  it("refuse what they cannot read, naming the field, and leave empty to the strategy", () => {
    expect(checkStrikeValue("abc")).toEqual({ value: null, error: 'Strike value: "abc" is not a number' });
    expect(checkWingWidth("1,0")).toEqual({ value: null, error: 'Wing width: "1,0" is not a number' });
    expect(checkWingWidth("0").error).toMatch(/^Wing width: 0 is outside/);
    expect(checkStrikeValue("1,000")).toEqual({ value: 1000, error: null });
    expect(checkStrikeValue("")).toEqual({ value: undefined, error: null });
  });

  it("say a negative number is out of range, with the allowed range, not that it is no number", () => {
    expect(checkStrikeValue("-5").error).toBe("Strike value: -5 is outside the allowed range, 0 to 100000");
    expect(checkWingWidth("-5").error).toBe("Wing width: -5 is outside the allowed range, above 0 up to 10000");
    expect(checkLots("-5").error).toBe("Lots: -5 is outside the allowed range, 1 to 1000");
    expect(checkLots("abc").error).toBe('Lots: "abc" is not a whole number');
  });

  it("take lots as a whole number in the bridge's range, never turning -5 or 0 into 1", () => {
    expect(checkLots("-5").value).toBeNull();
    expect(checkLots("0").error).toBe("Lots: 0 is outside the allowed range, 1 to 1000");
    expect(checkLots("2.5").value).toBeNull();
    expect(checkLots("1000")).toEqual({ value: 1000, error: null });
    expect(checkLots("1001").error).toMatch(/^Lots: 1001/);
  });
});

describe("the limits", () => {
  it("are the bridge's, as its schema says", () => {
    const spec = JSON.parse(readFileSync(new URL("../../client/openapi.json", import.meta.url), "utf8"));
    const schemas = spec.components.schemas;
    const lots = schemas.SpreadRequest.properties.lots;
    expect([lots.minimum, lots.maximum]).toEqual([LIMITS.lots.min, LIMITS.lots.max]);
    const number = (field: string) => schemas.TemplateRequest.properties[field].anyOf.find((s: { type: string }) => s.type === "number");
    expect([number("strike_value").minimum, number("strike_value").maximum]).toEqual([LIMITS.strikeValue.min, LIMITS.strikeValue.max]);
    expect([number("wing_width").exclusiveMinimum, number("wing_width").maximum]).toEqual([LIMITS.wingWidth.above, LIMITS.wingWidth.max]);
  });
});
