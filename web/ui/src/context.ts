/** What every screen reaches: the session, the typed REST client and the live store. */
import type { RestClient } from "@options-nt/client";
import { createContext, useContext, useEffect, useState, useSyncExternalStore } from "react";

import type { WebSession } from "./api";
import { responseText } from "./errors";
import type { LiveState, LiveStore } from "./store/live";

export interface AppContextValue {
  session: WebSession;
  rest: RestClient;
  store: LiveStore;
  /** Close the stream socket at once (it reconnects and resumes). */
  reconnect: () => void;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error("useApp outside AppContext");
  return value;
}

export function useLive(): LiveState {
  const { store } = useApp();
  return useSyncExternalStore(store.subscribe, store.get);
}

/** The current time, ticking every `everyMs`. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** Poll `load` every `everyMs` while mounted; the latest result and error. */
export function usePoll<T>(load: () => Promise<T>, everyMs: number, deps: unknown[] = []): {
  data: T | null;
  error: string | null;
  reload: () => void;
} {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    const run = () =>
      load().then(
        (value) => live && (setData(value), setError(null)),
        (reason: unknown) => live && setError(reason instanceof Error ? reason.message : String(reason)),
      );
    void run();
    const timer = everyMs > 0 ? setInterval(() => void run(), everyMs) : undefined;
    return () => {
      live = false;
      clearInterval(timer);
    };
    // `load` is a new closure each render: `deps` says when it changed.
  }, [...deps, round, everyMs]);
  return { data, error, reload: () => setRound((r) => r + 1) };
}

/** The data of a typed REST answer, or an Error with the bridge's detail. */
export async function unwrap<T>(answer: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await answer;
  if (data !== undefined) return data;
  throw new Error(responseText(error, response));
}
