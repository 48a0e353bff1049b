import { afterAll, beforeAll, expect, test } from "vitest";

import { createRestClient } from "../src/index.js";
import { Bridge } from "./bridge.js";

let bridge: Bridge;

beforeAll(async () => {
  bridge = await Bridge.start();
});

afterAll(() => bridge.stop());

test("typed calls carry the bearer token and return the documented bodies", async () => {
  const rest = createRestClient({ baseUrl: bridge.url, token: () => bridge.token });
  const health = await rest.GET("/api/v1/health");
  expect(health.response.status).toBe(200);
  expect(health.data?.node).toBe(false);
  const me = await rest.GET("/api/v1/auth/me");
  expect(me.response.status).toBe(200);
  expect(me.data?.scopes).toEqual(["read"]);
});

test("a call without a token is refused", async () => {
  const rest = createRestClient({ baseUrl: bridge.url });
  const me = await rest.GET("/api/v1/auth/me");
  expect(me.response.status).toBe(401);
  expect(me.data).toBeUndefined();
});
