/** The login form (through the web server, or to the bridge itself: see `api.ts`). */
import { useState, type FormEvent } from "react";

import type { WebSession } from "../api";
import { ErrorText, Field, INPUT } from "../components/ui";

export function Login({
  login,
  onLogin,
  notice = null,
}: {
  login: (username: string, password: string) => Promise<WebSession>;
  onLogin: (session: WebSession) => void;
  /** Why the previous login ended (shown until the next attempt). */
  notice?: string | null;
}) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLogin(await login(username, password));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <form onSubmit={(e) => void submit(e)} className="grid w-80 gap-4 rounded-lg border border-slate-700 bg-slate-900 p-6" aria-label="log in">
        <h1 className="text-xl font-semibold">options-nt</h1>
        {notice && !error ? (
          <p role="alert" className="rounded border border-amber-400 px-2 py-1 text-sm text-amber-200" data-testid="login-notice">
            {notice}
          </p>
        ) : null}
        <Field label="User">
          <input className={INPUT} name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        </Field>
        <Field label="Password">
          <input className={INPUT} name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </Field>
        <button type="submit" disabled={busy} className="rounded bg-sky-700 px-3 py-2 font-medium text-white hover:bg-sky-600 disabled:bg-slate-700">
          Log in
        </button>
        <ErrorText error={error} />
      </form>
    </main>
  );
}
