/** The spread builder: exactly the previewed legs submitted and listed; lots typed as text. */
import type { components } from "@options-nt/client";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";

import { LotsField, PreviewPanel, SubmitSummary } from "../src/screens/Builder";
import { previewedRequest } from "../src/spreadForm";

type Preview = components["schemas"]["SpreadPreview"];

const leg = (strike: number, right: "CE" | "PE", side: "BUY" | "SELL") => ({
  instrument_id: `NIFTY25JAN${strike}${right}.NSE`,
  strike,
  right,
  side,
  bid: 10,
  ask: 11,
  mid: 10.5,
  orders: 1,
  entry_charges: 20,
});

const PREVIEW: Preview = {
  spread_type: "bull_put_credit",
  underlying: "NIFTY",
  expiry: "2025-01-30T10:00:00Z",
  lots: 2,
  lot_size: 75,
  units: 150,
  legs: [leg(25550, "PE", "BUY"), leg(25750, "PE", "SELL")],
  net_premium: 40.25,
  net_premium_total: 6037.5,
  max_loss: 23962.5,
  max_profit: 6037.5,
  breakevens: [25709.75],
  margin: { span: 1, exposure: 1, premium: 0, total: 2 },
  charges_entry: 40,
  charges_round_trip: 80,
} as Preview;

describe("submitting a previewed spread", () => {
  it("sends the preview's legs in the bridge's legs form, never the template again", () => {
    expect(previewedRequest(PREVIEW)).toEqual({
      template: null,
      legs: [
        { instrument_id: "NIFTY25JAN25550PE.NSE", side: "BUY" },
        { instrument_id: "NIFTY25JAN25750PE.NSE", side: "SELL" },
      ],
      lots: 2,
    });
  });

  it("lists in the confirmation each leg sent: side, strike and right", () => {
    const markup = renderToStaticMarkup(<SubmitSummary preview={PREVIEW} />);
    const legs = [...markup.matchAll(/data-testid="confirm-leg">([^<]*)</g)].map((m) => m[1]);
    expect(legs).toEqual(["BUY 25,550 PE", "SELL 25,750 PE"]);
  });
});

describe("the lots field", () => {
  it("is a text box with a numeric keypad, so what was typed reaches the check and its message", () => {
    const markup = renderToStaticMarkup(<LotsField text="abc" invalid onChange={() => undefined} />);
    expect(markup).toMatch(/type="text"/);
    expect(markup).toMatch(/inputMode="numeric"/);
    expect(markup).toMatch(/value="abc"/);
    expect(markup).toMatch(/aria-invalid="true"/);
  });
});

describe("the preview", () => {
  it("shows breakevens to the paisa like prices, and no legend for a curve it does not draw", () => {
    const markup = renderToStaticMarkup(<PreviewPanel preview={PREVIEW} />);
    expect(markup).toContain("25,709.75");
    expect(markup.match(/<polyline/g)).toHaveLength(1); // at expiry only: a preview has no "now"
    expect(markup).not.toContain("now (Black-76");
    expect(markup).toContain("vertical: breakevens");
  });
});
