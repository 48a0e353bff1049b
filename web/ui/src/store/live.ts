/**
 * The live store: the node's state as the event stream tells it (snapshot, then events), the
 * connection's state, and whether the data is fresh. Pure state plus `subscribe`/`get` for
 * React's `useSyncExternalStore`; the stream client feeds it through {@link LiveStore.handlers}.
 *
 * Freshness (`freshness(now)`):
 * - `disconnected`: the socket is not open;
 * - `stale`: open, but the node saw no market data for `staleAfterMs` (the latest of
 *   `status.last_data_at` and the held legs' quotes; the stream republishes the status only when
 *   more than its `last_data_at` changed, so the interface also reads `GET /status` now and
 *   then), or nothing (not even a heartbeat) arrived on the socket for `staleAfterMs`;
 * - `live`: otherwise.
 */
import type {
  components,
  EventMessage,
  SnapshotMessage,
  StreamHandlers,
  StreamPosition,
  StreamState,
} from "@options-nt/client";

type Schemas = components["schemas"];
export type NodeStatus = Schemas["NodeStatus"];
export type Spread = Schemas["SpreadOut"];
export type Order = Schemas["OrderOut"] & { event?: string };
export type Position = Schemas["PositionOut"] & { event?: string };
export type Capital = Schemas["CapitalOut"];
export type Freshness = "live" | "stale" | "disconnected";

export interface Fill {
  client_order_id: string;
  instrument_id: string;
  side: string;
  quantity: number;
  price: number;
  trade_id: string;
  ts: string;
}

export interface Quote {
  instrument_id: string;
  bid: number;
  ask: number;
  ts: string;
}

/** A record of the `logs` topic (the bridge's audit records carry `source: "audit"`). */
export interface LogRecord {
  source?: string;
  ts: string;
  subject?: string;
  client?: string;
  action?: string;
  result?: string;
  status?: number;
  detail?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface LiveState {
  connection: StreamState;
  closeReason: string | null;
  position: StreamPosition | null;
  /** Events applied since the page loaded (duplicates are dropped before they get here). */
  eventsApplied: number;
  /** Resumes without a snapshot (nothing lost) and snapshots that replaced the state. */
  resumes: number;
  snapshots: number;
  /** When the socket last delivered anything (ms since the epoch). */
  lastMessageAt: number | null;
  /** The node's latest market data (ms since the epoch). */
  lastDataAt: number | null;
  status: NodeStatus | null;
  spreads: Spread[];
  orders: Record<string, Order>;
  positions: Record<string, Position>;
  capital: Capital | null;
  capitalHistory: Capital[];
  fills: Fill[];
  quotes: Record<string, Quote>;
  /** The `logs` topic since the page loaded, newest first. */
  logs: LogRecord[];
}

export const STREAM_TOPICS = ["orders", "fills", "positions", "spreads", "capital", "status", "quotes", "logs"] as const;

/** The topics a user with `scopes` subscribes to: `logs` (the audit records) is for admins only. */
export function streamTopics(scopes: readonly string[]): (typeof STREAM_TOPICS)[number][] {
  return STREAM_TOPICS.filter((topic) => topic !== "logs" || scopes.includes("admin"));
}

const MAX_FILLS = 200;
const MAX_LOGS = 500;
const MAX_HISTORY = 2000;

export function emptyState(): LiveState {
  return {
    connection: "stopped",
    closeReason: null,
    position: null,
    eventsApplied: 0,
    resumes: 0,
    snapshots: 0,
    lastMessageAt: null,
    lastDataAt: null,
    status: null,
    spreads: [],
    orders: {},
    positions: {},
    capital: null,
    capitalHistory: [],
    fills: [],
    quotes: {},
    logs: [],
  };
}

function byKey<T>(items: T[], key: (item: T) => string): Record<string, T> {
  return Object.fromEntries(items.map((item) => [key(item), item]));
}

function later(known: number | null, iso: string | null | undefined): number | null {
  const at = iso ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(at)) return known;
  return known === null ? at : Math.max(known, at);
}

/** The state with a newer node status (from the stream or from `GET /status`). */
export function withStatus(state: LiveState, status: NodeStatus): LiveState {
  return { ...state, status, lastDataAt: later(state.lastDataAt, status.last_data_at) };
}

/** The state after one stream event (a pure function of the state and the event). */
export function applyEvent(state: LiveState, event: EventMessage): LiveState {
  const data = event.data as Record<string, unknown>;
  const next: LiveState = {
    ...state,
    position: { epoch: event.epoch, seq: Math.max(event.seq, state.position?.seq ?? 0) },
    eventsApplied: state.eventsApplied + 1,
  };
  switch (event.topic) {
    case "orders": {
      const order = data as unknown as Order;
      return { ...next, orders: { ...state.orders, [order.client_order_id]: order } };
    }
    case "positions": {
      const position = data as unknown as Position;
      return { ...next, positions: { ...state.positions, [position.position_id]: position } };
    }
    case "fills":
      return { ...next, fills: [data as unknown as Fill, ...state.fills].slice(0, MAX_FILLS) };
    case "spreads":
      return { ...next, spreads: (data.spreads as Spread[] | undefined) ?? [] };
    case "status":
      return withStatus(next, data as unknown as NodeStatus);
    case "capital": {
      const capital = data as unknown as Capital;
      return { ...next, capital, capitalHistory: [...state.capitalHistory, capital].slice(-MAX_HISTORY) };
    }
    case "logs":
      return { ...next, logs: [data as unknown as LogRecord, ...state.logs].slice(0, MAX_LOGS) };
    case "quotes": {
      const quote = data as unknown as Quote;
      // Quotes are coalesced and carry no place in the sequence.
      return { ...state, lastDataAt: later(state.lastDataAt, quote.ts), quotes: { ...state.quotes, [quote.instrument_id]: quote } };
    }
    default:
      return next;
  }
}

/** The state after a snapshot: the topics it carries are replaced, the rest kept. */
export function applySnapshot(state: LiveState, snapshot: SnapshotMessage): LiveState {
  const data = snapshot.data as Record<string, Record<string, unknown> | undefined>;
  let next: LiveState = {
    ...state,
    position: { epoch: snapshot.epoch, seq: snapshot.seq },
    snapshots: state.snapshots + 1,
  };
  if (data.status) next = withStatus(next, data.status as unknown as NodeStatus);
  if (data.spreads) next.spreads = (data.spreads.spreads as Spread[] | undefined) ?? [];
  if (data.orders) next.orders = byKey((data.orders.orders as Order[] | undefined) ?? [], (o) => o.client_order_id);
  if (data.positions) {
    next.positions = byKey((data.positions.positions as Position[] | undefined) ?? [], (p) => p.position_id);
  }
  if (data.capital && "capital" in data.capital) next.capital = data.capital as unknown as Capital;
  if (data.quotes) next.quotes = { ...state.quotes, ...(data.quotes as Record<string, Quote>) };
  return next;
}

/** Whether the data can be trusted now (see the module's doc). */
export function freshness(state: LiveState, now: number, staleAfterMs: number): Freshness {
  if (state.connection !== "open") return "disconnected";
  if (state.lastMessageAt === null || now - state.lastMessageAt > staleAfterMs) return "stale";
  if (state.lastDataAt === null || now - state.lastDataAt > staleAfterMs) return "stale";
  return "live";
}

type Listener = () => void;

/** What a stream close code means, for the connection banner (the code itself says little). */
const CLOSE_REASONS: Record<number, string> = {
  1000: "the connection was closed",
  1001: "the server is going away (a restart?)",
  1006: "the connection dropped (the network, or the server stopped)",
  1011: "the bridge could not be reached or hit an error",
  1012: "the server is restarting",
  4401: "the login expired",
  4403: "not allowed for this login",
  4408: "the login took too long",
  4429: "this page fell behind the stream (a slow connection)",
};

/** The reason the server gave, else what the close code means. */
export function closeText(code: number, reason: string): string {
  return reason.trim() || CLOSE_REASONS[code] || "the connection closed unexpectedly";
}

export class LiveStore {
  private state: LiveState = emptyState();
  private readonly listeners = new Set<Listener>();

  constructor(private readonly now: () => number = Date.now) {}

  get = (): LiveState => this.state;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Replace the state through `update` and tell the listeners. */
  update(update: (state: LiveState) => LiveState): void {
    this.state = update(this.state);
    for (const listener of this.listeners) listener();
  }

  /** Seed the capital history (from REST, before the stream's updates). */
  seedCapitalHistory(history: Capital[]): void {
    this.update((state) => ({
      ...state,
      capitalHistory: [...history, ...state.capitalHistory.filter((c) => !history.some((h) => h.ts === c.ts))],
      capital: state.capital ?? history[history.length - 1] ?? null,
    }));
  }

  /** The handlers to give the stream client. */
  handlers(): StreamHandlers {
    const seen = () => this.now();
    return {
      snapshot: (message) => this.update((state) => ({ ...applySnapshot(state, message), lastMessageAt: seen() })),
      event: (message) => this.update((state) => ({ ...applyEvent(state, message), lastMessageAt: seen() })),
      resumed: () => this.update((state) => ({ ...state, resumes: state.resumes + 1, lastMessageAt: seen() })),
      hello: () => this.update((state) => ({ ...state, lastMessageAt: seen() })),
      heartbeat: () => this.update((state) => ({ ...state, lastMessageAt: seen() })),
      state: (connection, close) =>
        this.update((state) => ({ ...state, connection, closeReason: close ? closeText(close.code, close.reason) : null })),
    };
  }
}
