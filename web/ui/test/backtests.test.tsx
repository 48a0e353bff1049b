/** The Backtests screen without a results folder: Run disabled, the note once. */
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";

import { NO_RESULTS, NoResults } from "../src/screens/Backtests";

describe("backtests without --results", () => {
  it("disable Run and say once what is missing", () => {
    const html = renderToStaticMarkup(<NoResults />);
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*>Run<\/button>/);
    expect(html.split(NO_RESULTS)).toHaveLength(3); // the note and the button's tooltip
    expect(html).not.toContain('role="alert"');
  });
});
