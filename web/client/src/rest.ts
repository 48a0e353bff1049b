/**
 * Typed REST client: `openapi-fetch` over the types generated from the bridge's OpenAPI
 * document (`src/openapi.ts`), with the bearer token added to every request.
 */
import createClient, { type Client, type Middleware } from "openapi-fetch";

import type { paths } from "./openapi.js";

/** A token, or a function giving the current one (e.g. after a refresh). */
export type TokenSource = string | (() => string | undefined | Promise<string | undefined>);

export type RestClient = Client<paths>;

export interface RestOptions {
  /** The bridge's root URL, e.g. `http://127.0.0.1:8765` (paths start with `/api/v1`). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` when given. */
  token?: TokenSource;
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof globalThis.fetch;
}

/** Resolve a {@link TokenSource} to the token to send now. */
export async function currentToken(source: TokenSource): Promise<string | undefined> {
  return typeof source === "function" ? await source() : source;
}

/** A client whose calls are checked against the bridge's routes and schemas. */
export function createRestClient(options: RestOptions): RestClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const source = options.token;
  if (source !== undefined) {
    const bearer: Middleware = {
      async onRequest({ request }) {
        const token = await currentToken(source);
        if (token) request.headers.set("Authorization", `Bearer ${token}`);
        return request;
      },
    };
    client.use(bearer);
  }
  return client;
}
