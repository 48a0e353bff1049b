/** The kill switch: a big button, then a dialog where the trader types KILL to confirm. */
import { useState } from "react";

import { useApp, unwrap } from "../context";
import { ConfirmDialog } from "./ConfirmDialog";
import { ErrorText, Field, INPUT } from "./ui";

export function KillSwitch({ triggered }: { triggered: boolean }) {
  const { rest, session } = useApp();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const admin = session.scopes.includes("admin");

  const fire = async () => {
    try {
      await unwrap(rest.POST("/api/v1/control/kill", { body: { confirm: "KILL", reason: reason || "web interface" } }));
      setOpen(false);
      setTyped("");
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <div>
      <button
        type="button"
        data-testid="kill-switch"
        disabled={!admin || triggered}
        onClick={() => {
          setError(null);
          setOpen(true);
        }}
        className="w-full rounded-lg border-2 border-red-400 bg-red-700 px-6 py-4 text-xl font-extrabold tracking-wider text-white hover:bg-red-600 disabled:border-slate-600 disabled:bg-slate-800 disabled:text-slate-300"
      >
        {triggered ? "KILL SWITCH FIRED" : "KILL SWITCH"}
      </button>
      {!admin ? <p className="mt-1 text-xs text-slate-300">Needs the admin scope.</p> : null}
      <ConfirmDialog
        open={open}
        title="Fire the kill switch?"
        confirmLabel="Fire kill switch"
        tone="danger"
        confirmDisabled={typed !== "KILL"}
        onConfirm={() => void fire()}
        onCancel={() => setOpen(false)}
      >
        <p>
          Every strategy stops, every order is cancelled and every position is closed (shorts first, then the hedges).
          Trading then stays HALTED until the node is restarted.
        </p>
        <Field label="Reason (for the audit log)">
          <input className={INPUT} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="kill-reason" />
        </Field>
        <Field label="Type KILL to confirm">
          <input className={INPUT} value={typed} onChange={(e) => setTyped(e.target.value)} data-testid="kill-confirm" autoComplete="off" />
        </Field>
        <ErrorText error={error} />
      </ConfirmDialog>
    </div>
  );
}
