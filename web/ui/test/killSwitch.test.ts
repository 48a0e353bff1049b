/** The kill switch dialog: what was typed never outlives a close. */
import { describe, expect, it } from "vitest";

import { CLOSED, killDialog, type KillDialog, type KillDialogAction } from "../src/components/KillSwitch";

const run = (actions: KillDialogAction[], from: KillDialog = CLOSED) => actions.reduce(killDialog, from);

describe("the kill switch dialog", () => {
  it("opens empty after Cancel or Escape, even with KILL typed", () => {
    const typed = run([{ kind: "open" }, { kind: "reason", reason: "test" }, { kind: "type", typed: "KILL" }]);
    expect(typed).toMatchObject({ open: true, typed: "KILL", reason: "test" });
    const closed = killDialog(typed, { kind: "close" });
    expect(closed).toEqual(CLOSED);
    expect(killDialog(closed, { kind: "open" })).toEqual({ open: true, typed: "", reason: "", error: null });
  });

  it("keeps what was typed while it stays open after a failure, and clears the error on reopening", () => {
    const failed = run([{ kind: "open" }, { kind: "type", typed: "KILL" }, { kind: "failed", error: "HTTP 503" }]);
    expect(failed).toMatchObject({ open: true, typed: "KILL", error: "HTTP 503" });
    expect(run([{ kind: "close" }, { kind: "open" }], failed).error).toBeNull();
  });
});
