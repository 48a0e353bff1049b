/** The kill switch: a big button, then a dialog where the trader types KILL to confirm. */
import { useReducer } from "react";

import { useApp, unwrap } from "../context";
import { ConfirmDialog } from "./ConfirmDialog";
import { ErrorText, Field, INPUT } from "./ui";

/** The dialog's state: open or not, what is typed, the last error. */
export interface KillDialog {
  open: boolean;
  typed: string;
  reason: string;
  error: string | null;
}

export type KillDialogAction =
  | { kind: "open" | "close" }
  | { kind: "type"; typed: string }
  | { kind: "reason"; reason: string }
  | { kind: "failed"; error: string };

export const CLOSED: KillDialog = { open: false, typed: "", reason: "", error: null };

/** Every close (Cancel, Escape, fired) forgets what was typed: each firing is confirmed anew. */
export function killDialog(state: KillDialog, action: KillDialogAction): KillDialog {
  switch (action.kind) {
    case "open":
      return { ...CLOSED, open: true };
    case "close":
      return CLOSED;
    case "type":
      return { ...state, typed: action.typed };
    case "reason":
      return { ...state, reason: action.reason };
    case "failed":
      return { ...state, error: action.error };
  }
}

/** `blocked`: why it cannot be fired now (unreachable, stopped, fired), or null. */
export function KillSwitch({ triggered, blocked }: { triggered: boolean; blocked: string | null }) {
  const { rest, session } = useApp();
  const [dialog, dispatch] = useReducer(killDialog, CLOSED);
  const admin = session.scopes.includes("admin");

  const fire = async () => {
    try {
      await unwrap(rest.POST("/api/v1/control/kill", { body: { confirm: "KILL", reason: dialog.reason || "web interface" } }));
      dispatch({ kind: "close" });
    } catch (e) {
      dispatch({ kind: "failed", error: e instanceof Error ? e.message : String(e) });
    }
  };

  return (
    <div>
      <button
        type="button"
        data-testid="kill-switch"
        disabled={!admin || blocked !== null}
        title={blocked ?? undefined}
        onClick={() => dispatch({ kind: "open" })}
        className="w-full rounded-lg border-2 border-red-400 bg-red-700 px-6 py-4 text-xl font-extrabold tracking-wider text-white hover:bg-red-600 disabled:border-slate-600 disabled:bg-slate-800 disabled:text-slate-300"
      >
        {triggered ? "KILL SWITCH FIRED" : "KILL SWITCH"}
      </button>
      {!admin ? (
        <p className="mt-1 text-xs text-slate-300">Needs the admin scope.</p>
      ) : blocked !== null && !triggered ? (
        <p className="mt-1 text-xs text-slate-300" data-testid="kill-blocked">
          {blocked}.
        </p>
      ) : null}
      <ConfirmDialog
        open={dialog.open}
        title="Fire the kill switch?"
        confirmLabel="Fire kill switch"
        tone="danger"
        confirmDisabled={dialog.typed !== "KILL"}
        onConfirm={() => void fire()}
        onCancel={() => dispatch({ kind: "close" })}
      >
        <p>
          Every strategy stops, every order is cancelled and every position is closed (shorts first, then the hedges).
          Trading then stays HALTED until the node is restarted.
        </p>
        <Field label="Reason (for the audit log)">
          <input className={INPUT} value={dialog.reason} onChange={(e) => dispatch({ kind: "reason", reason: e.target.value })} data-testid="kill-reason" />
        </Field>
        <Field label="Type KILL to confirm">
          <input className={INPUT} value={dialog.typed} onChange={(e) => dispatch({ kind: "type", typed: e.target.value })} data-testid="kill-confirm" autoComplete="off" />
        </Field>
        <ErrorText error={dialog.error} />
      </ConfirmDialog>
    </div>
  );
}
