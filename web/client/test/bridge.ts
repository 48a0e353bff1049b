/** The real bridge for the tests: `bridge_server.py` in the repository's virtualenv. */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface, type Interface } from "node:readline";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const SCRIPT = fileURLToPath(new URL("./bridge_server.py", import.meta.url));

export class Bridge {
  private readonly replies: string[] = [];
  private readonly waiting: ((line: string) => void)[] = [];

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    lines: Interface,
  ) {
    lines.on("line", (line) => {
      const waiter = this.waiting.shift();
      if (waiter) waiter(line);
      else this.replies.push(line);
    });
  }

  url = "";
  token = "";

  /** Start the server and read where it listens. */
  static async start(): Promise<Bridge> {
    const child = spawn(`${ROOT}.venv/bin/python`, [SCRIPT], { cwd: ROOT, stdio: "pipe" });
    child.stderr.on("data", (chunk: Buffer) => process.stderr.write(chunk));
    const bridge = new Bridge(child, createInterface({ input: child.stdout }));
    const ready = JSON.parse(await bridge.line()) as { url: string; token: string };
    bridge.url = ready.url;
    bridge.token = ready.token;
    return bridge;
  }

  get wsUrl(): string {
    return `${this.url.replace(/^http/, "ws")}/api/v1/ws`;
  }

  /** Send one command and wait for its `ok`. */
  async command(line: string): Promise<void> {
    this.child.stdin.write(`${line}\n`);
    const reply = await this.line();
    if (reply !== "ok") throw new Error(`bridge_server.py answered ${reply} to ${line}`);
  }

  stop(): void {
    this.child.stdin.end();
  }

  private line(): Promise<string> {
    const ready = this.replies.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      this.waiting.push(resolve);
      this.child.once("exit", (code) => reject(new Error(`bridge_server.py exited with ${code}`)));
    });
  }
}

/** Poll `condition` until it holds, failing with `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
