import { StreamClient } from "@options-nt/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { emptyState, freshness, LiveStore, STREAM_TOPICS, type LiveState } from "../src/store/live";
import { FakeSocket } from "./fakeSocket";

const EPOCH = "e1";
const STALE_MS = 15_000;

function event(seq: number, topic: string, data: Record<string, unknown>) {
  return { type: "event", topic, seq, epoch: EPOCH, ts: seq, data };
}

function order(id: string, status: string) {
  return { client_order_id: id, status, event: `Order${status}` };
}

function status(lastDataAt: string) {
  return { environment: "paper", trading_state: "ACTIVE", last_data_at: lastDataAt };
}

describe("LiveStore over the stream client", () => {
  let sockets: FakeSocket[];
  let store: LiveStore;
  let client: StreamClient;

  beforeEach(() => {
    vi.useFakeTimers();
    sockets = [];
    store = new LiveStore(() => Date.now());
    client = new StreamClient({
      url: "ws://test/api/v1/ws",
      token: () => "web-session",
      topics: [...STREAM_TOPICS],
      handlers: store.handlers(),
      backoff: { initialMs: 100, maxMs: 100, jitter: 0 },
      connect: () => {
        const socket = new FakeSocket();
        sockets.push(socket);
        return socket;
      },
    });
  });

  afterEach(() => {
    client.stop();
    vi.useRealTimers();
  });

  async function connect(socket: FakeSocket, resume: unknown): Promise<void> {
    socket.open();
    await vi.advanceTimersByTimeAsync(0); // the token function resolves
    expect(socket.sent[0]).toEqual({ type: "auth", token: "web-session" });
    socket.receive({ type: "hello", epoch: EPOCH, seq: 0, heartbeat_s: 10, ring_size: 100, max_queue: 10, topics: [], subject: "t" });
    expect(socket.sent[1]).toMatchObject({ type: "subscribe", resume });
  }

  it("resumes after a dropped socket from the last event, losing none and applying none twice", async () => {
    client.start();
    await connect(sockets[0]!, null);
    sockets[0]!.receive({
      type: "snapshot",
      reason: "new",
      epoch: EPOCH,
      seq: 5,
      topics: ["orders"],
      data: { orders: { orders: [order("O-1", "ACCEPTED")] } },
    });
    sockets[0]!.receive(event(6, "orders", order("O-2", "SUBMITTED")), event(7, "orders", order("O-1", "FILLED")));
    sockets[0]!.drop();
    expect(store.get().connection).toBe("reconnecting");

    await vi.advanceTimersByTimeAsync(100);
    expect(sockets).toHaveLength(2);
    await connect(sockets[1]!, { epoch: EPOCH, seq: 7 });
    sockets[1]!.receive(
      { type: "resumed", epoch: EPOCH, from_seq: 7, seq: 9, replayed: 2 },
      event(7, "orders", order("O-1", "FILLED")), // already applied: dropped
      event(8, "orders", order("O-2", "ACCEPTED")),
      event(9, "orders", order("O-2", "CANCELED")),
    );

    const state = store.get();
    expect(state.connection).toBe("open");
    expect(state.snapshots).toBe(1);
    expect(state.resumes).toBe(1);
    expect(state.eventsApplied).toBe(4); // 6, 7, 8, 9
    expect(state.position).toEqual({ epoch: EPOCH, seq: 9 });
    expect(state.orders["O-1"]?.status).toBe("FILLED");
    expect(state.orders["O-2"]?.status).toBe("CANCELED");
  });

  it("takes a snapshot's state when the server cannot resume (another epoch)", async () => {
    client.start();
    await connect(sockets[0]!, null);
    sockets[0]!.receive(event(3, "orders", order("O-1", "ACCEPTED")));
    sockets[0]!.drop();
    await vi.advanceTimersByTimeAsync(100);
    await connect(sockets[1]!, { epoch: EPOCH, seq: 3 });
    sockets[1]!.receive({
      type: "snapshot",
      reason: "epoch_changed",
      epoch: "e2",
      seq: 1,
      topics: ["orders"],
      data: { orders: { orders: [] } },
    });
    expect(store.get().orders).toEqual({});
    expect(store.get().position).toEqual({ epoch: "e2", seq: 1 });
  });

  it("turns stale when the node's market data stops, and live again when it comes back", async () => {
    client.start();
    await connect(sockets[0]!, null);
    sockets[0]!.receive(event(1, "status", status(new Date(Date.now()).toISOString())));
    expect(freshness(store.get(), Date.now(), STALE_MS)).toBe("live");

    // Heartbeats keep the socket alive, but the node's last data grows old.
    for (let i = 0; i < 4; i += 1) {
      await vi.advanceTimersByTimeAsync(5_000);
      sockets[0]!.receive({ type: "heartbeat", epoch: EPOCH, seq: 1, ts: 0 });
    }
    expect(freshness(store.get(), Date.now(), STALE_MS)).toBe("stale");

    sockets[0]!.receive(event(2, "status", status(new Date(Date.now()).toISOString())));
    expect(freshness(store.get(), Date.now(), STALE_MS)).toBe("live");
  });

  it("stays live on the held legs' quotes while the status is not republished", async () => {
    client.start();
    await connect(sockets[0]!, null);
    sockets[0]!.receive(event(1, "status", status(new Date(Date.now()).toISOString())));
    for (let i = 0; i < 4; i += 1) {
      await vi.advanceTimersByTimeAsync(5_000);
      sockets[0]!.receive({ type: "event", topic: "quotes", seq: 1, epoch: EPOCH, ts: 0, data: { instrument_id: "X.NFO", bid: 1, ask: 2, ts: new Date(Date.now()).toISOString() } });
    }
    expect(freshness(store.get(), Date.now(), STALE_MS)).toBe("live");
  });

  it("turns stale when the socket goes quiet, and disconnected once it drops", async () => {
    client.start();
    await connect(sockets[0]!, null);
    sockets[0]!.receive(event(1, "status", status(new Date(Date.now()).toISOString())));
    await vi.advanceTimersByTimeAsync(STALE_MS + 1);
    expect(freshness(store.get(), Date.now(), STALE_MS)).toBe("stale");
    // The client's own watchdog (3 heartbeats of 10 s) then drops the socket.
    await vi.advanceTimersByTimeAsync(15_000);
    expect(sockets[0]!.closed).toBe(true);
    expect(freshness(store.get(), Date.now(), STALE_MS)).toBe("disconnected");
  });
});

describe("freshness", () => {
  it("is disconnected until the socket is open", () => {
    const state: LiveState = { ...emptyState(), lastMessageAt: 0 };
    expect(freshness(state, 0, STALE_MS)).toBe("disconnected");
  });
});
