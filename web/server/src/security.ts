/** Security headers and the login rate limit. */
import type { NextFunction, Request, Response } from "express";

/**
 * The content security policy: scripts, styles and connections from this origin only (the
 * stream is same-origin through this server), no framing by anyone.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Set the security headers on every response. */
export function securityHeaders(secure: boolean) {
  return (_request: Request, response: Response, next: NextFunction): void => {
    response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    response.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    response.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    if (secure) response.setHeader("Strict-Transport-Security", "max-age=31536000");
    next();
  };
}

/**
 * A fixed-window counter of failures per key: once `limit` failures fell in a window, every
 * attempt waits for its end. Successes are not counted (a trader logging in often is not
 * guessing).
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; hits: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The seconds to wait when the key's failures reached the limit, else 0. */
  wait(key: string): number {
    const window = this.current(key);
    if (!window || window.hits < this.limit) return 0;
    return Math.ceil((window.start + this.windowMs - this.now()) / 1000);
  }

  /** Count a failure of the key. */
  fail(key: string): void {
    let window = this.current(key);
    if (!window) {
      window = { start: this.now(), hits: 0 };
      this.windows.set(key, window);
    }
    window.hits += 1;
  }

  private current(key: string): { start: number; hits: number } | undefined {
    const window = this.windows.get(key);
    return window && this.now() - window.start < this.windowMs ? window : undefined;
  }

  /** Forget windows that ended (called now and then). */
  prune(): void {
    const now = this.now();
    for (const [key, window] of this.windows) {
      if (now - window.start >= this.windowMs) this.windows.delete(key);
    }
  }
}

/** Whether the request's `Origin` (when sent) is this server's own. */
export function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
