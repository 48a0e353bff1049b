/**
 * The bridge's auth routes, called by this server on behalf of a web session: login, refresh
 * (one at a time per session) and logout. Tokens never leave this process.
 */
import type { Session, SessionStore, TokenPair } from "./sessions.js";

/** A refresh this long before the access token expires. */
const REFRESH_MARGIN_MS = 30_000;

export class BridgeAuthError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly retryAfter: string | null,
  ) {
    super(`the bridge answered ${status}`);
  }
}

export class BridgeAuth {
  private readonly refreshing = new Map<string, Promise<string>>();

  constructor(
    readonly bridgeUrl: string,
    private readonly sessions: SessionStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Log in to the bridge; the token pair, or BridgeAuthError with its status. */
  async login(username: string, password: string, client: string): Promise<TokenPair> {
    const response = await fetch(`${this.bridgeUrl}/api/v1/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Forwarded-For": client },
      body: JSON.stringify({ username, password }),
    });
    if (!response.ok) {
      throw new BridgeAuthError(response.status, await response.text(), response.headers.get("Retry-After"));
    }
    return (await response.json()) as TokenPair;
  }

  /** A valid access token for `session`, refreshed first when it is about to expire. */
  async access(session: Session, force = false): Promise<string> {
    if (!force && session.accessExpires - this.now() > REFRESH_MARGIN_MS) return session.access;
    let pending = this.refreshing.get(session.id);
    if (!pending) {
      pending = this.refresh(session).finally(() => this.refreshing.delete(session.id));
      this.refreshing.set(session.id, pending);
    }
    return pending;
  }

  /** Revoke the session's tokens at the bridge (best effort) and forget the session. */
  async logout(session: Session): Promise<void> {
    this.sessions.drop(session.id);
    await fetch(`${this.bridgeUrl}/api/v1/auth/logout`, {
      method: "POST",
      headers: { Authorization: `Bearer ${session.access}` },
    }).catch(() => undefined);
  }

  private async refresh(session: Session): Promise<string> {
    const response = await fetch(`${this.bridgeUrl}/api/v1/auth/refresh`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: session.refresh }),
    });
    if (!response.ok) {
      this.sessions.drop(session.id);
      throw new BridgeAuthError(response.status, "", null);
    }
    this.sessions.renew(session, (await response.json()) as TokenPair);
    return session.access;
  }
}
