import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import {
  StreamClient,
  backoffDelay,
  type EventMessage,
  type ResumedMessage,
  type SnapshotMessage,
  type StreamOptions,
  type StreamState,
  type WebSocketLike,
} from "../src/index.js";
import { Bridge, waitFor } from "./bridge.js";

let bridge: Bridge;

beforeAll(async () => {
  bridge = await Bridge.start();
});

afterAll(() => bridge.stop());

/** A client on `ws` that records what it receives and every socket it opens. */
function recordingClient(options: Partial<StreamOptions> = {}) {
  const seen = {
    events: [] as EventMessage[],
    snapshots: [] as SnapshotMessage[],
    resumed: [] as ResumedMessage[],
    states: [] as { state: StreamState; code: number | undefined }[],
    sockets: [] as WebSocket[],
  };
  const client = new StreamClient({
    url: bridge.wsUrl,
    token: bridge.token,
    topics: ["orders"],
    backoff: { initialMs: 50, maxMs: 500 },
    connect: (url) => {
      const socket = new WebSocket(url);
      seen.sockets.push(socket);
      return socket as unknown as WebSocketLike;
    },
    handlers: {
      event: (message) => seen.events.push(message),
      snapshot: (message) => seen.snapshots.push(message),
      resumed: (message) => seen.resumed.push(message),
      state: (state, close) => seen.states.push({ state, code: close?.code }),
    },
    ...options,
  });
  return { client, seen };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("StreamClient against the bridge", () => {
  test("resumes after a dropped socket without losing or repeating an event", async () => {
    const { client, seen } = recordingClient();
    client.start();
    await waitFor(() => seen.snapshots.length === 1, "the first snapshot");
    const start = seen.snapshots[0]!.seq;
    await bridge.command("publish orders 100");
    await waitFor(() => seen.events.length === 100, "100 events");
    seen.sockets[0]!.terminate(); // no closing handshake: a lost network
    await bridge.command("publish orders 100");
    await waitFor(() => seen.events.length === 200, "200 events");
    client.stop();

    expect(seen.events.map((event) => event.seq)).toEqual(range(start + 1, start + 200));
    expect(seen.events.map((event) => event.data.n)).toEqual([...range(1, 100), ...range(1, 100)]);
    expect(seen.sockets).toHaveLength(2);
    expect(seen.snapshots).toHaveLength(1);
    expect(seen.resumed).toHaveLength(1);
    expect(seen.resumed[0]!.from_seq).toBe(start + 100);
    expect(client.position).toEqual({ epoch: "first", seq: start + 200 });
  });

  test("gets a snapshot saying the epoch changed when the node restarted", async () => {
    const { client, seen } = recordingClient();
    client.start();
    await waitFor(() => seen.snapshots.length === 1, "the first snapshot");
    await bridge.command("restart second");
    await waitFor(() => seen.snapshots.length === 2, "a snapshot after the restart");
    await bridge.command("publish orders 1");
    await waitFor(() => seen.events.length === 1, "an event of the new epoch");
    client.stop();

    expect(seen.snapshots[1]).toMatchObject({
      reason: "epoch_changed",
      epoch: "second",
      data: { orders: { epoch: "second" } },
    });
    expect(seen.events[0]).toMatchObject({ epoch: "second", seq: 1, data: { n: 1 } });
    expect(seen.states.map((s) => s.state)).toContain("reconnecting");
  });

  test("subscribes to quotes while connected and gets the latest per instrument", async () => {
    const { client, seen } = recordingClient();
    client.start();
    await waitFor(() => seen.snapshots.length === 1, "the first snapshot");
    await bridge.command("quote NIFTY-A 10");
    client.subscribe(["quotes"], ["NIFTY-A"]);
    await waitFor(() => seen.snapshots.length === 2, "a snapshot of the quotes topic");
    await bridge.command("quote NIFTY-B 1");
    await bridge.command("quote NIFTY-A 11");
    await waitFor(() => seen.events.some((event) => event.data.bid === 11), "the latest quote");
    client.unsubscribe(["quotes"]);
    client.stop();

    expect(seen.snapshots[1]).toMatchObject({
      reason: "subscribed",
      topics: ["quotes"],
      data: { quotes: { "NIFTY-A": { instrument_id: "NIFTY-A", bid: 10 } } },
    });
    expect(seen.events.map((event) => [event.topic, event.data.instrument_id])).toEqual(
      seen.events.map(() => ["quotes", "NIFTY-A"]),
    );
    expect(seen.events.at(-1)?.data.bid).toBe(11);
  });

  test("stops, with the server's close code, when the token is refused", async () => {
    const { client, seen } = recordingClient({ token: "not-a-token" });
    client.start();
    await waitFor(() => client.state === "stopped", "the client to stop");
    expect(seen.states.at(-1)).toEqual({ state: "stopped", code: 4401 });
    expect(seen.sockets).toHaveLength(1);
  });

  test("reconnects when even heartbeats stop arriving", async () => {
    const { client, seen } = recordingClient({ staleHeartbeats: 3 });
    client.start();
    await waitFor(() => seen.snapshots.length === 1, "the first snapshot");
    seen.sockets[0]!.pause(); // the socket is up but nothing is read any more
    await waitFor(() => seen.sockets.length === 2 && client.state === "open", "a second socket");
    await bridge.command("publish orders 1");
    await waitFor(() => seen.events.length === 1, "an event on the new socket");
    client.stop();
    expect(seen.states.some((s) => s.state === "reconnecting" && s.code === 4000)).toBe(true);
  });
});

describe("backoffDelay", () => {
  const backoff = { initialMs: 100, maxMs: 1_000, factor: 2, jitter: 0.5 };

  test("grows by the factor up to the cap", () => {
    expect(range(0, 5).map((attempt) => backoffDelay(attempt, backoff, () => 0))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
  });

  test("takes up to the jitter share off at random", () => {
    expect(backoffDelay(2, backoff, () => 1)).toBe(200);
    expect(backoffDelay(2, backoff, () => 0.5)).toBe(300);
  });
});
