/** The Strategies screen: Stop is disabled, with the reason, for what the bridge protects. */
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";

import { Button } from "../src/components/ui";
import { stopHint } from "../src/screens/Strategies";

describe("protected strategies", () => {
  it("have Stop disabled with a tooltip saying why", () => {
    const hint = stopHint({ protected: true });
    expect(hint).toMatch(/^Protected: the kill switch is never stopped/);
    expect(stopHint({ protected: false })).toBeUndefined();
    expect(stopHint({})).toBeUndefined(); // an older bridge does not say
    expect(renderToStaticMarkup(<Button title={hint}>Stop</Button>)).toContain(`title="${hint}"`);
  });
});
