/**
 * The stack under test: `options-nt serve` (a paper node on the in-process simulator, with the
 * bridge, which also serves the interface itself) on a free port, the web server in front of
 * it, and Debian's Chromium.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, connect, type AddressInfo, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

import { chromium, type Browser } from "playwright-core";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** Screenshots of each screen (the docs keep copies in docs/_static/screens). */
export const SCREENS_DIR = join(ROOT, "out", "e2e", "screens");

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Start `command`; resolve with the first match of each pattern in its output. */
function startProcess(
  command: string,
  args: string[],
  patterns: RegExp[],
  timeoutMs: number,
): Promise<{ child: ChildProcess; matches: string[] }> {
  const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  const matches: (string | undefined)[] = patterns.map(() => undefined);
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(new Error(`${command} did not start within ${timeoutMs} ms:\n${output.join("\n")}`));
    }, timeoutMs);
    const onLine = (line: string) => {
      output.push(line);
      patterns.forEach((pattern, i) => {
        const found = pattern.exec(line);
        if (found && matches[i] === undefined) matches[i] = found[1] ?? found[0];
      });
      if (matches.every((m) => m !== undefined)) {
        clearTimeout(timer);
        resolve({ child, matches: matches as string[] });
      }
    };
    createInterface({ input: child.stdout! }).on("line", onLine);
    createInterface({ input: child.stderr! }).on("line", (line) => output.push(line));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${code}:\n${output.join("\n")}`));
    });
  });
}

function stopProcess(child: ChildProcess | undefined, timeoutMs = 60_000): Promise<void> {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGINT");
  });
}

/**
 * A TCP relay between the browser and the web server, so a test can cut every connection
 * at once (a dropped network, not a closed socket).
 */
export class Cable {
  private readonly pairs = new Set<[Socket, Socket]>();
  private server: Server | undefined;
  private refusing = false;
  url = "";

  async start(target: URL): Promise<void> {
    this.server = createServer((browser) => {
      if (this.refusing) {
        browser.resetAndDestroy();
        return;
      }
      const upstream = connect(Number(target.port), target.hostname);
      const pair: [Socket, Socket] = [browser, upstream];
      this.pairs.add(pair);
      browser.pipe(upstream).pipe(browser);
      const end = () => {
        this.pairs.delete(pair);
        browser.destroy();
        upstream.destroy();
      };
      browser.on("error", end).on("close", end);
      upstream.on("error", end).on("close", end);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Reset every open connection (the browser sees its sockets drop). */
  cut(): void {
    for (const [browser, upstream] of this.pairs) {
      browser.resetAndDestroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  /** Cut every connection and refuse new ones until {@link restore}. */
  unplug(): void {
    this.refusing = true;
    this.cut();
  }

  restore(): void {
    this.refusing = false;
  }

  async stop(): Promise<void> {
    this.cut();
    if (this.server) await new Promise((resolve) => this.server!.close(resolve));
  }
}

export class Stack {
  bridgeUrl = "";
  webUrl = "";
  password = "";
  browser!: Browser;
  /** The browser reaches the web server through this. */
  readonly cable = new Cable();
  private node: ChildProcess | undefined;
  private web: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), "options-nt-e2e-"));

  async start(): Promise<void> {
    mkdirSync(SCREENS_DIR, { recursive: true });
    mkdirSync(join(this.dir, "results"));
    const node = await startProcess(
      join(ROOT, ".venv", "bin", "options-nt"),
      [
        "serve",
        "--port",
        "0",
        "--state-dir",
        join(this.dir, "state"),
        "--out",
        join(this.dir, "out"),
        "--results",
        join(this.dir, "results"),
        "--paper",
        "--trusted-proxy", // the web server tells the bridge each browser's address
        "127.0.0.1",
        "--ui", // the bridge serves the interface too, for the bridge-alone case
      ],
      [/with password (\S+) /, /bridge at (http:\/\/[\d.:]+)\/api\/v1/],
      150_000,
    );
    this.node = node.child;
    [this.password, this.bridgeUrl] = node.matches as [string, string];
    const web = await startProcess(
      process.execPath,
      [join(ROOT, "web", "server", "dist", "main.js"), "--bridge", this.bridgeUrl, "--port", "0"],
      [/options-nt web: (http:\/\/\S+)/],
      30_000,
    );
    this.web = web.child;
    await this.cable.start(new URL(web.matches[0]!));
    this.webUrl = this.cable.url;
    this.browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  }

  /** A bearer token for checking the node directly, past the interface. */
  async bridgeToken(): Promise<string> {
    const response = await fetch(`${this.bridgeUrl}/api/v1/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: "admin", password: this.password }),
    });
    return ((await response.json()) as { access_token: string }).access_token;
  }

  async bridgeGet<T>(path: string): Promise<T> {
    return this.bridge<T>("GET", path);
  }

  /** Call the bridge directly (past the interface) as the admin user. */
  async bridge<T>(method: string, path: string): Promise<T> {
    const response = await fetch(`${this.bridgeUrl}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${await this.bridgeToken()}` },
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status}`);
    return (await response.json()) as T;
  }

  async stop(): Promise<void> {
    await this.browser?.close();
    await this.cable.stop();
    await stopProcess(this.web);
    await stopProcess(this.node);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
