/** A real bridge (`bridge_server.py`, no node) and the web server in front of it, on 127.0.0.1. */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

import { createWebServer, type WebServer } from "../src/app.js";
import type { ServerConfig } from "../src/config.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const SCRIPT = fileURLToPath(new URL("./bridge_server.py", import.meta.url));

export class Stack {
  bridgeUrl = "";
  webUrl = "";
  username = "";
  password = "";
  web!: WebServer;
  private bridge!: ChildProcessWithoutNullStreams;
  private readonly replies: string[] = [];
  private readonly waiting: ((line: string) => void)[] = [];
  private readonly uiDir = mkdtempSync(join(tmpdir(), "options-nt-web-ui-"));

  async start(overrides: Partial<ServerConfig> = {}): Promise<void> {
    this.bridge = spawn(`${ROOT}.venv/bin/python`, [SCRIPT], { cwd: ROOT, stdio: "pipe" });
    this.bridge.stderr.on("data", (chunk: Buffer) => process.stderr.write(chunk));
    createInterface({ input: this.bridge.stdout }).on("line", (line) => {
      const waiter = this.waiting.shift();
      if (waiter) waiter(line);
      else this.replies.push(line);
    });
    const ready = JSON.parse(await this.line()) as { url: string; username: string; password: string };
    Object.assign(this, { bridgeUrl: ready.url, username: ready.username, password: ready.password });
    writeFileSync(join(this.uiDir, "index.html"), "<!doctype html><title>ui</title>");
    this.web = createWebServer({
      bridgeUrl: this.bridgeUrl,
      host: "127.0.0.1",
      port: 0,
      uiDir: this.uiDir,
      secureCookies: false,
      sessionIdleMs: 60_000,
      loginLimit: 100,
      loginWindowMs: 60_000,
      trustProxy: false,
      ...overrides,
    });
    this.webUrl = await this.web.listen();
  }

  async command(line: string): Promise<void> {
    this.bridge.stdin.write(`${line}\n`);
    const reply = await this.line();
    if (reply !== "ok") throw new Error(`bridge_server.py answered ${reply} to ${line}`);
  }

  /** Log in through the web server (with extra `headers`): the session cookie and the CSRF token. */
  async login(headers: Record<string, string> = {}): Promise<{ cookie: string; csrf: string; body: Record<string, unknown>; setCookie: string }> {
    const response = await fetch(`${this.webUrl}/session/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: JSON.stringify({ username: this.username, password: this.password }),
    });
    if (!response.ok) throw new Error(`login answered ${response.status}`);
    const setCookie = response.headers.get("set-cookie") ?? "";
    const body = (await response.json()) as Record<string, unknown>;
    return { cookie: setCookie.split(";")[0] ?? "", csrf: String(body.csrf), body, setCookie };
  }

  async stop(): Promise<void> {
    await this.web?.close();
    this.bridge?.stdin.end();
    rmSync(this.uiDir, { recursive: true, force: true });
  }

  private line(): Promise<string> {
    const ready = this.replies.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      this.waiting.push(resolve);
      this.bridge.once("exit", (code) => reject(new Error(`bridge_server.py exited with ${code}`)));
    });
  }
}
