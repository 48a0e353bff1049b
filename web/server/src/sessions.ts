/**
 * Web sessions: the browser holds only a random session id (an HttpOnly cookie) and reads a
 * CSRF token; the bridge's access and refresh tokens stay here, in memory.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";

/** The bridge's answer to a login or a refresh. */
export interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  scopes: string[];
}

export interface Session {
  readonly id: string;
  readonly csrf: string;
  readonly username: string;
  scopes: string[];
  access: string;
  refresh: string;
  /** When the access token expires (ms since the epoch). */
  accessExpires: number;
  lastSeen: number;
}

export const SESSION_COOKIE = "ont_session";

function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Compare two secrets in constant time. */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  create(username: string, tokens: TokenPair): Session {
    const session: Session = {
      id: randomToken(),
      csrf: randomToken(),
      username,
      scopes: tokens.scopes,
      access: tokens.access_token,
      refresh: tokens.refresh_token,
      accessExpires: this.now() + tokens.expires_in * 1000,
      lastSeen: this.now(),
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id, or undefined (an idle one is dropped). */
  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (this.now() - session.lastSeen > this.idleMs) {
      this.sessions.delete(id);
      return undefined;
    }
    session.lastSeen = this.now();
    return session;
  }

  /** Store a refreshed token pair. */
  renew(session: Session, tokens: TokenPair): void {
    session.access = tokens.access_token;
    session.refresh = tokens.refresh_token;
    session.scopes = tokens.scopes;
    session.accessExpires = this.now() + tokens.expires_in * 1000;
  }

  /** Forget idle sessions (called now and then). */
  prune(): void {
    for (const [id, session] of this.sessions) {
      if (this.now() - session.lastSeen > this.idleMs) this.sessions.delete(id);
    }
  }

  drop(id: string): void {
    this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }
}

/** The value of cookie `name` in a `Cookie` header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return undefined;
}

/** A `Set-Cookie` value for the session (HttpOnly, SameSite=Strict, path /). */
export function sessionCookie(id: string, secure: boolean, maxAgeS?: number): string {
  const parts = [`${SESSION_COOKIE}=${id}`, "Path=/", "HttpOnly", "SameSite=Strict"];
  if (secure) parts.push("Secure");
  if (maxAgeS !== undefined) parts.push(`Max-Age=${maxAgeS}`);
  return parts.join("; ");
}
