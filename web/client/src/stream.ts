/**
 * Typed client of the bridge's event stream (`/api/v1/ws`): authenticates with the first
 * message, reconnects with exponential backoff and jitter, and resumes from the last sequence
 * number it processed, so a dropped socket loses no event. When the server cannot resume
 * (another epoch, or a sequence older than its ring) a `snapshot` handler gets the state.
 */
import type { components } from "./openapi.js";
import { currentToken, type TokenSource } from "./rest.js";

type Schemas = components["schemas"];
export type ServerMessage = Schemas["StreamServerMessage"];
export type ClientMessage = Schemas["StreamClientMessage"];
export type HelloMessage = Schemas["StreamHelloMessage"];
export type EventMessage = Schemas["StreamEventMessage"];
export type SnapshotMessage = Schemas["StreamSnapshotMessage"];
export type ResumedMessage = Schemas["StreamResumedMessage"];
export type HeartbeatMessage = Schemas["StreamHeartbeatMessage"];
export type SubscribedMessage = Schemas["StreamSubscribedMessage"];
export type ErrorMessage = Schemas["StreamErrorMessage"];
export type Topic = EventMessage["topic"];

/** Where the client is in the stream: the node instance and the last event processed. */
export interface StreamPosition {
  epoch: string;
  seq: number;
}

export type StreamState = "connecting" | "open" | "reconnecting" | "stopped";

export interface BackoffOptions {
  /** Delay before the first reconnect. */
  initialMs: number;
  /** Longest delay. */
  maxMs: number;
  /** Growth per failed attempt. */
  factor: number;
  /** Share of the delay taken off at random (0..1), so clients do not reconnect in step. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  initialMs: 500,
  maxMs: 30_000,
  factor: 2,
  jitter: 0.2,
};

/** The delay before reconnect attempt `attempt` (0 for the first). */
export function backoffDelay(
  attempt: number,
  backoff: BackoffOptions,
  random: () => number = Math.random,
): number {
  const base = Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** attempt);
  return base * (1 - backoff.jitter * random());
}

/** What the client uses of a WebSocket (the standard one; `ws` in Node is compatible). */
export type WebSocketLike = Pick<WebSocket, "send" | "close" | "onopen" | "onmessage" | "onclose" | "onerror">;

export interface StreamHandlers {
  event?: (message: EventMessage) => void;
  snapshot?: (message: SnapshotMessage) => void;
  resumed?: (message: ResumedMessage) => void;
  hello?: (message: HelloMessage) => void;
  heartbeat?: (message: HeartbeatMessage) => void;
  subscribed?: (message: SubscribedMessage) => void;
  error?: (message: ErrorMessage) => void;
  /** The connection's state changed; `close` tells why a socket closed. */
  state?: (state: StreamState, close?: { code: number; reason: string }) => void;
}

export interface StreamOptions {
  /** The stream's URL, e.g. `ws://127.0.0.1:8765/api/v1/ws`. */
  url: string;
  /** A token with the `read` scope (a function is asked again on every reconnect). */
  token: TokenSource;
  topics: Topic[];
  /** Instruments whose quotes to receive (with the `quotes` topic). */
  instruments?: string[];
  handlers?: StreamHandlers;
  backoff?: Partial<BackoffOptions>;
  /** Reconnect when nothing arrived for this many heartbeat intervals (default 3). */
  staleHeartbeats?: number;
  /** Start from a position kept elsewhere (e.g. across page loads). */
  resumeFrom?: StreamPosition;
  /** Opens a socket; the global `WebSocket` by default. */
  connect?: (url: string) => WebSocketLike;
}

/** Close codes after which reconnecting cannot help (bad request, forbidden). */
const FINAL_CODES = new Set([4400, 4403]);
const UNAUTHORIZED = 4401;
/** Before `hello` tells the interval. */
const DEFAULT_HEARTBEAT_MS = 10_000;

/**
 * A resumable subscription to the bridge's events.
 *
 * ```ts
 * const stream = new StreamClient({
 *   url: "ws://127.0.0.1:8765/api/v1/ws",
 *   token: () => session.accessToken,
 *   topics: ["orders", "fills", "positions"],
 *   handlers: { event: (e) => apply(e), snapshot: (s) => replace(s.data) },
 * });
 * stream.start();
 * ```
 */
export class StreamClient {
  private readonly options: StreamOptions;
  private readonly backoff: BackoffOptions;
  private readonly topics: Set<Topic>;
  private readonly instruments: Set<string>;
  private socket: WebSocketLike | undefined;
  private current: StreamPosition | undefined;
  private attempt = 0;
  private heartbeatMs = DEFAULT_HEARTBEAT_MS;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private staleTimer: ReturnType<typeof setTimeout> | undefined;
  private streaming = false;
  private running = false;
  private status: StreamState = "stopped";

  constructor(options: StreamOptions) {
    this.options = options;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.topics = new Set(options.topics);
    this.instruments = new Set(options.instruments ?? []);
    this.current = options.resumeFrom;
  }

  /** The last event processed (after a snapshot: the snapshot's position). */
  get position(): StreamPosition | undefined {
    return this.current;
  }

  get state(): StreamState {
    return this.status;
  }

  /** Connect, and keep reconnecting until {@link stop}. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.open();
  }

  /** Close the socket and stop reconnecting. */
  stop(): void {
    this.running = false;
    clearTimeout(this.reconnectTimer);
    const socket = this.detach();
    socket?.close(1000, "client stopped");
    this.setState("stopped");
  }

  /** Add topics or quote instruments (new topics come with a snapshot). */
  subscribe(topics: Topic[], instruments: string[] = []): void {
    topics.forEach((topic) => this.topics.add(topic));
    instruments.forEach((instrument) => this.instruments.add(instrument));
    if (this.streaming) this.send({ type: "subscribe", topics, instruments });
  }

  /** Drop topics or quote instruments. */
  unsubscribe(topics: Topic[], instruments: string[] = []): void {
    topics.forEach((topic) => this.topics.delete(topic));
    instruments.forEach((instrument) => this.instruments.delete(instrument));
    if (this.streaming) this.send({ type: "unsubscribe", topics, instruments });
  }

  private open(): void {
    this.setState(this.attempt === 0 ? "connecting" : "reconnecting");
    const connect = this.options.connect ?? ((url: string) => new WebSocket(url));
    const socket = connect(this.options.url);
    this.socket = socket;
    socket.onopen = () => {
      void currentToken(this.options.token).then((token) => {
        if (socket === this.socket) this.send({ type: "auth", token: token ?? "" });
      });
      this.watch();
    };
    socket.onmessage = (message) => {
      if (socket !== this.socket) return;
      this.watch();
      for (const item of JSON.parse(String(message.data)) as ServerMessage[]) this.handle(item);
    };
    socket.onclose = (event) => {
      if (socket === this.socket) this.closed(event.code, event.reason);
    };
    socket.onerror = () => undefined; // a close event follows
  }

  private handle(message: ServerMessage): void {
    const handlers = this.options.handlers ?? {};
    switch (message.type) {
      case "hello":
        this.attempt = 0;
        this.heartbeatMs = message.heartbeat_s * 1000;
        this.streaming = true;
        this.send({
          type: "subscribe",
          topics: [...this.topics],
          instruments: [...this.instruments],
          resume: this.current ?? null,
        });
        this.setState("open");
        handlers.hello?.(message);
        break;
      case "snapshot":
        this.current = { epoch: message.epoch, seq: message.seq };
        handlers.snapshot?.(message);
        break;
      case "resumed":
        handlers.resumed?.(message);
        break;
      case "event":
        if (message.topic !== "quotes" && this.seen(message)) return;
        this.current = { epoch: message.epoch, seq: Math.max(message.seq, this.seenSeq(message)) };
        handlers.event?.(message);
        break;
      case "heartbeat":
        handlers.heartbeat?.(message);
        break;
      case "subscribed":
        handlers.subscribed?.(message);
        break;
      case "error":
        handlers.error?.(message);
        break;
    }
  }

  /** Whether `event` was processed already (a duplicate is dropped). */
  private seen(event: EventMessage): boolean {
    return this.current?.epoch === event.epoch && event.seq <= this.current.seq;
  }

  private seenSeq(event: EventMessage): number {
    return this.current?.epoch === event.epoch ? this.current.seq : 0;
  }

  private send(message: ClientMessage): void {
    this.socket?.send(JSON.stringify(message));
  }

  /** Reconnect if nothing (not even a heartbeat) arrives in time. */
  private watch(): void {
    clearTimeout(this.staleTimer);
    const limit = (this.options.staleHeartbeats ?? 3) * this.heartbeatMs;
    this.staleTimer = setTimeout(() => {
      const socket = this.detach();
      socket?.close(4000, "no heartbeat");
      this.closed(4000, `nothing received for ${limit} ms`);
    }, limit);
  }

  private detach(): WebSocketLike | undefined {
    const socket = this.socket;
    this.socket = undefined;
    this.streaming = false;
    clearTimeout(this.staleTimer);
    return socket;
  }

  private closed(code: number, reason: string): void {
    this.detach();
    const final = FINAL_CODES.has(code) || (code === UNAUTHORIZED && typeof this.options.token === "string");
    if (!this.running || final) {
      this.running = false;
      this.setState("stopped", { code, reason });
      return;
    }
    this.setState("reconnecting", { code, reason });
    const delay = backoffDelay(this.attempt, this.backoff);
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => {
      if (this.running) this.open();
    }, delay);
  }

  private setState(state: StreamState, close?: { code: number; reason: string }): void {
    this.status = state;
    this.options.handlers?.state?.(state, close);
  }
}
