/**
 * The spread builder's typed fields, checked in the form before anything is sent: a field the
 * trader filled is either a valid number within the bridge's limits or an error naming it, never
 * a `null` (which the bridge reads as "use the strategy's setting").
 */
import type { components } from "@options-nt/client";

type Schemas = components["schemas"];

/** The bridge's limits (`SpreadRequest.lots`, `TemplateRequest.strike_value` / `wing_width`). */
export const LIMITS = {
  lots: { min: 1, max: 1000 },
  strikeValue: { min: 0, max: 100_000 },
  wingWidth: { above: 0, max: 10_000 },
} as const;

/**
 * Digits grouped in thousands ("1,000,000") or the Indian way ("10,00,000"), or not at all,
 * with an optional minus sign (a negative number is a number, refused by its range).
 */
const GROUPED = /^-?(?:(?:\d{1,3}(?:,\d{3})+|\d{1,2}(?:,\d{2})*,\d{3}|\d+)(?:\.\d+)?|\.\d+)$/;

/** A typed decimal ("1,000", "1,00,000", "0.25", "-5"), or null when it is not one. */
export function parseDecimal(text: string): number | null {
  const trimmed = text.trim();
  return GROUPED.test(trimmed) ? Number(trimmed.replaceAll(",", "")) : null;
}

/** Either the value or the message naming the field. */
export type Checked<T> = { value: T; error: null } | { value: null; error: string };

/** An optional decimal field: empty is `undefined` (the default), anything else checked. */
function optionalDecimal(label: string, text: string, ok: (v: number) => boolean, range: string): Checked<number | undefined> {
  if (text.trim() === "") return { value: undefined, error: null };
  const value = parseDecimal(text);
  if (value === null) return { value: null, error: `${label}: "${text}" is not a number` };
  return ok(value) ? { value, error: null } : { value: null, error: `${label}: ${value} is outside the allowed range, ${range}` };
}

export function checkStrikeValue(text: string): Checked<number | undefined> {
  const { min, max } = LIMITS.strikeValue;
  return optionalDecimal("Strike value", text, (v) => v >= min && v <= max, `${min} to ${max}`);
}

export function checkWingWidth(text: string): Checked<number | undefined> {
  const { above, max } = LIMITS.wingWidth;
  return optionalDecimal("Wing width", text, (v) => v > above && v <= max, `above ${above} up to ${max}`);
}

export function checkLots(text: string): Checked<number> {
  const { min, max } = LIMITS.lots;
  const trimmed = text.trim();
  if (!/^-?\d+$/.test(trimmed)) return { value: null, error: `Lots: "${text}" is not a whole number` };
  const value = Number(trimmed);
  return value >= min && value <= max ? { value, error: null } : { value: null, error: `Lots: ${value} is outside the allowed range, ${min} to ${max}` };
}

/**
 * The request that places exactly the previewed legs: the bridge's legs form, built from the
 * preview's answer, so a template's strikes are not chosen again (on moved prices) at submit.
 */
export function previewedRequest(preview: Pick<Schemas["SpreadPreview"], "lots" | "legs">): Schemas["SpreadRequest"] {
  return { template: null, legs: preview.legs.map(({ instrument_id, side }) => ({ instrument_id, side })), lots: preview.lots };
}
