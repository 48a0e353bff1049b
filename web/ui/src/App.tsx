/** The shell: login, then the environment banner, navigation, the stale warning and a screen. */
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore, type MouseEvent, type ReactNode } from "react";

import { backendFor, detectMode, type Backend, type WebSession } from "./api";
import { EnvironmentBanner, STALE_AFTER_MS, StaleWarning, TradingStateBadge, ConnectionBadge } from "./components/Status";
import { AppContext, useNow, type AppContextValue } from "./context";
import { Login } from "./screens/Login";
import { SCREENS } from "./screens";
import { freshness, LiveStore, withStatus } from "./store/live";

/** How often the status is read over REST (for its `last_data_at`, see `store/live.ts`). */
const STATUS_POLL_MS = 5000;

/** The screen a hash names (`#/orders`), or `current` for one that names none (`#main`). */
export function routeOf(hash: string, current: string): string {
  if (hash === "" || hash === "#" || hash === "#/") return "overview";
  return hash.startsWith("#/") ? hash.slice(2) : current;
}

function useRoute(): string {
  const [route, setRoute] = useState(() => routeOf(window.location.hash, "overview"));
  useEffect(() => {
    const update = () => setRoute((current) => routeOf(window.location.hash, current));
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return route;
}

/** Move focus to the screen's content without touching the URL (the hash is the route). */
function skipToContent(event: MouseEvent<HTMLAnchorElement>) {
  event.preventDefault();
  document.getElementById("main")?.focus();
}

function Shell({ value, onLogout }: { value: AppContextValue; onLogout: () => void }) {
  const live = useSyncExternalStore(value.store.subscribe, value.store.get);
  const now = useNow();
  const route = useRoute();
  const screen = SCREENS.find((s) => s.path === route) ?? SCREENS[0]!;
  const fresh = freshness(live, now, STALE_AFTER_MS);
  const Screen = screen.component;
  const environment = live.status?.environment ?? null;
  useEffect(() => {
    document.title = `${(environment ?? "…").toUpperCase()} · ${screen.title} · options-nt`;
  }, [environment, screen.title]);
  return (
    <AppContext.Provider value={value}>
      {/* LIVE: a red frame around everything, on top of the banner. */}
      <div className={`min-h-screen ${environment === "live" ? "border-4 border-red-700" : ""}`}>
        <a href="#main" className="sr-only focus:not-sr-only" onClick={skipToContent}>
          Skip to content
        </a>
        <EnvironmentBanner environment={environment} />
        <header className="flex flex-wrap items-center gap-3 border-b border-slate-800 px-4 py-2">
          <span className="font-semibold">options-nt</span>
          <nav aria-label="screens" className="flex flex-wrap gap-1">
            {SCREENS.map((s) => (
              <a
                key={s.path}
                href={`#/${s.path}`}
                aria-current={s.path === screen.path ? "page" : undefined}
                className={`rounded px-2 py-1 text-sm ${s.path === screen.path ? "bg-sky-800 text-white" : "text-slate-200 hover:bg-slate-800"}`}
              >
                {s.title}
              </a>
            ))}
          </nav>
          <span className="ml-auto flex items-center gap-2 text-sm">
            <TradingStateBadge state={live.status?.trading_state} unreachable={fresh === "disconnected"} />
            <ConnectionBadge freshness={fresh} />
            <span className="text-slate-300">{value.session.username}</span>
            <button type="button" className="rounded px-2 py-1 text-slate-200 hover:bg-slate-800" onClick={onLogout}>
              Log out
            </button>
          </span>
        </header>
        <StaleWarning freshness={fresh} lastDataAt={live.lastDataAt} reason={live.closeReason} now={now} />
        <main id="main" tabIndex={-1} className="mx-auto max-w-screen-2xl p-4 focus:outline-none">
          <h1 className="sr-only">{screen.title}</h1>
          <Screen />
        </main>
      </div>
    </AppContext.Provider>
  );
}

function Connected({
  backend,
  session,
  onLogout,
  onExpired,
}: {
  backend: Backend;
  session: WebSession;
  onLogout: () => void;
  onExpired: (reason: string) => void;
}): ReactNode {
  const store = useMemo(() => new LiveStore(), []);
  const rest = useMemo(() => backend.rest(session, onExpired), [backend, session, onExpired]);
  const stream = useMemo(() => backend.stream(session, store), [backend, session, store]);
  useEffect(() => {
    stream.start();
    // A failed read is harmless here: the freshness badge and warning show a lost connection.
    const ignore = () => undefined;
    void rest
      .GET("/api/v1/capital/history", { params: { query: { limit: 2000 } } })
      .then(({ data }) => data && store.seedCapitalHistory(data), ignore);
    const readStatus = () =>
      void rest.GET("/api/v1/status").then(({ data }) => data && store.update((state) => withStatus(state, data)), ignore);
    const poll = setInterval(readStatus, STATUS_POLL_MS);
    return () => {
      clearInterval(poll);
      stream.stop();
    };
  }, [stream, rest, store]);
  const value = useMemo<AppContextValue>(
    () => ({
      session,
      rest,
      store,
      reconnect: () => {
        stream.stop();
        stream.start();
      },
    }),
    [session, rest, store, stream],
  );
  return <Shell value={value} onLogout={onLogout} />;
}

export function App() {
  const [backend, setBackend] = useState<Backend | null>(null);
  const [session, setSession] = useState<WebSession | null | undefined>(undefined);
  /** Why the last login ended, for the login form (a restarted node, an idle session). */
  const [notice, setNotice] = useState<string | null>(null);
  const expired = useCallback((reason: string) => {
    setNotice(reason);
    setSession(null);
  }, []);
  useEffect(() => {
    void detectMode().then((mode) => {
      const chosen = backendFor(mode);
      setBackend(chosen);
      chosen.current().then(setSession, () => setSession(null));
    });
  }, []);
  if (backend === null || session === undefined) return <p className="p-4">Loading…</p>;
  if (session === null) {
    return <Login login={(username, password) => backend.login(username, password)} onLogin={(s) => (setNotice(null), setSession(s))} notice={notice} />;
  }
  return (
    <Connected
      backend={backend}
      session={session}
      onExpired={expired}
      onLogout={() => {
        setNotice(null);
        void backend.logout(session).finally(() => setSession(null));
      }}
    />
  );
}
