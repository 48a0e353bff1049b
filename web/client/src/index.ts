export type { components, operations, paths } from "./openapi.js";
export { createRestClient, currentToken } from "./rest.js";
export type { RestClient, RestOptions, TokenSource } from "./rest.js";
export { DEFAULT_BACKOFF, StreamClient, backoffDelay } from "./stream.js";
export type {
  BackoffOptions,
  ClientMessage,
  EventMessage,
  HelloMessage,
  ResumedMessage,
  ServerMessage,
  SnapshotMessage,
  StreamHandlers,
  StreamOptions,
  StreamPosition,
  StreamState,
  Topic,
  WebSocketLike,
} from "./stream.js";
