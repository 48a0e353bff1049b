/** The hash names the screen; an in-page anchor such as the skip link's #main does not. */
import { describe, expect, it } from "vitest";

import { routeOf } from "../src/App";

describe("routes", () => {
  it("follow #/screen hashes and default to the overview", () => {
    expect(routeOf("#/orders", "overview")).toBe("orders");
    expect(routeOf("", "orders")).toBe("overview");
    expect(routeOf("#/", "orders")).toBe("overview");
  });

  it("stay on the screen for the skip link's #main", () => {
    expect(routeOf("#main", "orders")).toBe("orders");
  });
});
