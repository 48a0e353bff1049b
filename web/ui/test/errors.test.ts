/** Error answers shown to the user: the bridge's message naming the field, not "HTTP 422". */
import { describe, expect, it } from "vitest";

import { unwrap } from "../src/context";
import { detailText, responseText, retryHint } from "../src/errors";

/** The body the bridge answers a request its schema refuses with (no `input` echoed). */
const REFUSED = {
  detail: [
    { type: "less_than_equal", loc: ["body", "lots"], msg: "Input should be less than or equal to 1000", ctx: { le: 1000 } },
    { type: "greater_than", loc: ["body", "template", "wing_width"], msg: "Input should be greater than 0", ctx: { gt: 0 } },
  ],
};

describe("error answers", () => {
  it("name each refused field with the bridge's message", async () => {
    const response = Response.json(REFUSED, { status: 422 });
    await expect(unwrap(Promise.resolve({ error: REFUSED, response }))).rejects.toThrow(
      "lots: Input should be less than or equal to 1000; template.wing_width: Input should be greater than 0",
    );
  });

  it("keep a plain detail, say how long to wait, and fall back to the status", async () => {
    const response = Response.json({ detail: "too many failed logins; try again later" }, { status: 429, headers: { "Retry-After": "301" } });
    await expect(unwrap(Promise.resolve({ error: { detail: "too many failed logins; try again later" }, response }))).rejects.toThrow(
      "too many failed logins; try again later (try again in 6 min)",
    );
    const bridge = Response.json({ detail: "too many failed logins; try again in 301 s" }, { status: 429, headers: { "Retry-After": "301" } });
    expect(responseText({ detail: "too many failed logins; try again in 301 s" }, bridge)).toBe("too many failed logins; try again in 301 s");
    expect(detailText(undefined, 502)).toBe("HTTP 502");
    expect(detailText([{ loc: ["query", "limit"], msg: "too big" }], 422)).toBe("limit: too big");
    expect(retryHint("30")).toBe(" (try again in 30 s)");
    expect(retryHint(null)).toBe("");
  });
});
