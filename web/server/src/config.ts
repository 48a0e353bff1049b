/**
 * The web server's settings, from command-line options and environment variables.
 *
 * | option            | variable                    | default                   |
 * |-------------------|-----------------------------|---------------------------|
 * | `--bridge URL`    | `OPTIONS_NT_BRIDGE_URL`     | `http://127.0.0.1:8765`   |
 * | `--host HOST`     | `OPTIONS_NT_WEB_HOST`       | `127.0.0.1`               |
 * | `--port PORT`     | `OPTIONS_NT_WEB_PORT`       | `8080` (`0`: any free)    |
 * | `--ui DIR`        | `OPTIONS_NT_UI_DIR`         | `web/ui/dist`             |
 * | `--secure-cookies`| `OPTIONS_NT_SECURE_COOKIES=1` | off (on behind TLS)     |
 * | `--trust-proxy ADDRS` | `OPTIONS_NT_WEB_TRUST_PROXY` | off                     |
 *
 * The browser's address (the login rate limit, and what the bridge is told in
 * `X-Forwarded-For`) is the peer's own unless `--trust-proxy` names the proxies in front of
 * this server (Express's `trust proxy`: addresses, subnets or `loopback`, comma-separated).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface ServerConfig {
  /** The bridge's root URL (`/api/v1` is appended). */
  bridgeUrl: string;
  host: string;
  port: number;
  /** The built trader interface (`index.html` and `assets/`). */
  uiDir: string;
  /** Mark the session cookie `Secure` (serve over HTTPS, e.g. behind a TLS proxy). */
  secureCookies: boolean;
  /** Idle sessions end after this long. */
  sessionIdleMs: number;
  /** Failed logins allowed per client address per window (successes are not counted). */
  loginLimit: number;
  loginWindowMs: number;
  /** Express's `trust proxy`: the proxies whose `X-Forwarded-For` is believed, or none. */
  trustProxy: string | false;
}

const DEFAULT_UI_DIR = fileURLToPath(new URL("../../ui/dist", import.meta.url));

/** Parse `argv` (without node and the script) over `env`; errors name the option. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): ServerConfig {
  const options = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? "";
    if (arg === "--secure-cookies") flags.add(arg);
    else if (["--bridge", "--host", "--port", "--ui", "--trust-proxy"].includes(arg)) {
      const value = argv[i + 1];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      options.set(arg, value);
      i += 1;
    } else throw new Error(`unknown option ${arg} (options: --bridge, --host, --port, --ui, --trust-proxy, --secure-cookies)`);
  }
  const bridgeUrl = (options.get("--bridge") ?? env.OPTIONS_NT_BRIDGE_URL ?? "http://127.0.0.1:8765").replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]+$/.test(bridgeUrl)) throw new Error(`--bridge must be http(s)://host:port, not ${bridgeUrl}`);
  const portText = options.get("--port") ?? env.OPTIONS_NT_WEB_PORT ?? "8080";
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, not ${portText}`);
  const uiDir = options.get("--ui") ?? env.OPTIONS_NT_UI_DIR ?? DEFAULT_UI_DIR;
  if (!existsSync(`${uiDir}/index.html`)) {
    throw new Error(`--ui: no index.html in ${uiDir} (build the interface: bash scripts/web.sh build)`);
  }
  return {
    bridgeUrl,
    host: options.get("--host") ?? env.OPTIONS_NT_WEB_HOST ?? "127.0.0.1",
    port,
    uiDir,
    secureCookies: flags.has("--secure-cookies") || env.OPTIONS_NT_SECURE_COOKIES === "1",
    sessionIdleMs: 12 * 60 * 60 * 1000,
    loginLimit: 10,
    loginWindowMs: 5 * 60 * 1000,
    trustProxy: options.get("--trust-proxy") ?? env.OPTIONS_NT_WEB_TRUST_PROXY ?? false,
  };
}
