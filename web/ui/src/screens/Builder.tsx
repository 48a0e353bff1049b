/**
 * Spread builder: a template (placed on the chain by the strike rule) or explicit legs; a
 * preview (prices, max loss, margin, charges, payoff); submit after a confirmation, once per
 * idempotency key; then the spread's orders as they fill (hedges first).
 */
import type { components } from "@options-nt/client";
import { useMemo, useState } from "react";

import { ConfirmDialog } from "../components/ConfirmDialog";
import { PayoffChart } from "../components/PayoffChart";
import { Button, Cell, ErrorText, Field, Figure, INPUT, Panel, Table } from "../components/ui";
import { STALE_AFTER_MS } from "../components/Status";
import { unwrap, useApp, useLive, useNow, usePoll } from "../context";
import { nodeControls } from "../nodeControls";
import { freshness } from "../store/live";
import { date, money, num, time } from "../format";
import { checkLots, checkStrikeValue, checkWingWidth, LIMITS, previewedRequest } from "../spreadForm";

type Schemas = components["schemas"];
type SpreadRequest = Schemas["SpreadRequest"];
type Preview = Schemas["SpreadPreview"];
type Submission = Schemas["SubmissionOut"];
type SpreadType = Schemas["TemplateRequest"]["spread_type"];
type StrikeRule = NonNullable<Schemas["TemplateRequest"]["strike_rule"]>;
type Underlying = "NIFTY" | "BANKNIFTY";

const SPREAD_TYPES: SpreadType[] = ["bull_put_credit", "bear_call_credit", "iron_condor", "iron_butterfly", "bull_call_debit", "bear_put_debit"];
const STRIKE_RULES: StrikeRule[] = ["delta", "points", "percent", "premium"];
const FINAL = new Set(["open", "refused", "closed"]);

/** Each mode's request before anything is typed (the form's fields start empty). */
const FRESH: Record<"template" | "legs", [Omit<SpreadRequest, "lots">, string | null]> = {
  template: [{ template: { spread_type: "bull_put_credit" }, legs: null }, null],
  legs: [{ template: null, legs: [] }, "Leg 1 strike: choose one"],
};

interface LegDraft {
  strike: string;
  right: "CE" | "PE";
  side: "BUY" | "SELL";
}

/** A random idempotency key (works on plain HTTP too, unlike randomUUID). */
export function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `web-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** The request's shape and, when a typed field is invalid, the message naming it. */
type ShapeChange = (request: Omit<SpreadRequest, "lots">, error: string | null) => void;

function Template({ onChange }: { onChange: ShapeChange }) {
  const [spreadType, setSpreadType] = useState<SpreadType>("bull_put_credit");
  const [rule, setRule] = useState<StrikeRule | "">("");
  const [value, setValue] = useState("");
  const [wing, setWing] = useState("");
  const [expiry, setExpiry] = useState("");
  const emit = (next: Partial<{ spreadType: SpreadType; rule: StrikeRule | ""; value: string; wing: string; expiry: string }>) => {
    const s = { spreadType, rule, value, wing, expiry, ...next };
    const strike = checkStrikeValue(s.value);
    const width = checkWingWidth(s.wing);
    onChange(
      {
        template: {
          spread_type: s.spreadType,
          expiry: s.expiry || null,
          strike_rule: s.rule || null,
          // Empty: the strategy's setting. Invalid: never sent (the error blocks the preview).
          strike_value: strike.value ?? null,
          wing_width: width.value ?? null,
        },
        legs: null,
      },
      strike.error ?? width.error,
    );
  };
  return (
    <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
      <Field label="Spread type">
        <select className={INPUT} value={spreadType} data-testid="spread-type" onChange={(e) => (setSpreadType(e.target.value as SpreadType), emit({ spreadType: e.target.value as SpreadType }))}>
          {SPREAD_TYPES.map((t) => (
            <option key={t} value={t}>
              {t.replaceAll("_", " ")}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Strike rule (default: strategy's)">
        <select className={INPUT} value={rule} onChange={(e) => (setRule(e.target.value as StrikeRule | ""), emit({ rule: e.target.value as StrikeRule | "" }))}>
          <option value="">default</option>
          {STRIKE_RULES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </Field>
      <Field label="Strike value">
        <input className={INPUT} inputMode="decimal" value={value} onChange={(e) => (setValue(e.target.value), emit({ value: e.target.value }))} />
      </Field>
      <Field label="Wing width">
        <input className={INPUT} inputMode="decimal" value={wing} onChange={(e) => (setWing(e.target.value), emit({ wing: e.target.value }))} />
      </Field>
      <Field label="Expiry (default: nearest)">
        <input className={INPUT} type="date" value={expiry} onChange={(e) => (setExpiry(e.target.value), emit({ expiry: e.target.value }))} />
      </Field>
    </div>
  );
}

function Legs({ onChange }: { onChange: ShapeChange }) {
  const { rest } = useApp();
  const [underlying, setUnderlying] = useState<Underlying>("NIFTY");
  const [legs, setLegs] = useState<LegDraft[]>([
    { strike: "", right: "PE", side: "BUY" },
    { strike: "", right: "PE", side: "SELL" },
  ]);
  const chain = usePoll(() => unwrap(rest.GET("/api/v1/chain", { params: { query: { underlying } } })), 0, [underlying]);
  const ids = useMemo(() => {
    const map = new Map<string, string>();
    for (const row of chain.data?.rows ?? []) {
      if (row.call) map.set(`${row.strike}CE`, row.call.instrument_id);
      if (row.put) map.set(`${row.strike}PE`, row.put.instrument_id);
    }
    return map;
  }, [chain.data]);
  const update = (next: LegDraft[]) => {
    setLegs(next);
    const missing = next.findIndex((leg) => !ids.has(`${leg.strike}${leg.right}`));
    onChange(
      {
        template: null,
        legs: next.map((leg) => ({ instrument_id: ids.get(`${leg.strike}${leg.right}`) ?? "", side: leg.side })),
      },
      missing >= 0 ? `Leg ${missing + 1} strike: choose one listed for ${next[missing]!.right}` : null,
    );
  };
  const strikes = (chain.data?.rows ?? []).map((r) => r.strike);
  return (
    <div className="grid gap-2">
      <div className="flex gap-3">
        <Field label="Underlying">
          <select className={INPUT} value={underlying} onChange={(e) => setUnderlying(e.target.value as Underlying)}>
            <option>NIFTY</option>
            <option>BANKNIFTY</option>
          </select>
        </Field>
        <p className="self-end text-sm text-slate-300">
          Expiry {chain.data?.expiry ? date(chain.data.expiry) : "…"} · spot {num(chain.data?.spot)}
        </p>
      </div>
      {legs.map((leg, i) => (
        <div key={i} className="flex flex-wrap items-end gap-2">
          <Field label={`Leg ${i + 1} side`}>
            <select className={INPUT} value={leg.side} onChange={(e) => update(legs.map((l, j) => (j === i ? { ...l, side: e.target.value as LegDraft["side"] } : l)))}>
              <option>BUY</option>
              <option>SELL</option>
            </select>
          </Field>
          <Field label="Right">
            <select className={INPUT} value={leg.right} onChange={(e) => update(legs.map((l, j) => (j === i ? { ...l, right: e.target.value as LegDraft["right"] } : l)))}>
              <option>PE</option>
              <option>CE</option>
            </select>
          </Field>
          <Field label="Strike">
            <select className={INPUT} name="strike" value={leg.strike} onChange={(e) => update(legs.map((l, j) => (j === i ? { ...l, strike: e.target.value } : l)))}>
              <option value="">choose</option>
              {strikes.map((s) => (
                <option key={s} value={String(s)}>
                  {s}
                </option>
              ))}
            </select>
          </Field>
          <Button onClick={() => update(legs.filter((_, j) => j !== i))} disabled={legs.length <= 1} aria-label={`remove leg ${i + 1}`}>
            Remove
          </Button>
        </div>
      ))}
      <div>
        <Button onClick={() => update([...legs, { strike: "", right: "CE", side: "BUY" }])}>Add leg</Button>
      </div>
      <ErrorText error={chain.error} />
    </div>
  );
}

export function PreviewPanel({ preview }: { preview: Preview }) {
  const legs = preview.legs.map((leg) => ({
    strike: leg.strike,
    right: leg.right,
    quantity: leg.side === "BUY" ? preview.units : -preview.units,
    entry: leg.mid,
    iv: null,
  }));
  return (
    <Panel title={`Preview: ${preview.spread_type.replaceAll("_", " ")} · ${preview.underlying} · ${date(preview.expiry)} · ${preview.lots} lot${preview.lots === 1 ? "" : "s"}`}>
      <div className="mb-3 grid grid-cols-2 gap-3 md:grid-cols-4" data-testid="preview">
        <Figure label="Net premium" value={`${num(preview.net_premium)} (${money(preview.net_premium_total)})`} />
        <Figure label="Max loss" value={money(preview.max_loss)} testId="preview-max-loss" />
        <Figure label="Max profit" value={money(preview.max_profit)} />
        <Figure label="Breakevens" value={preview.breakevens.map((b) => num(b)).join(" / ")} />
        <Figure label="Margin" value={money(preview.margin.total)} />
        <Figure label="SPAN / exposure" value={`${money(preview.margin.span)} / ${money(preview.margin.exposure)}`} />
        <Figure label="Charges (entry)" value={money(preview.charges_entry)} />
        <Figure label="Charges (round trip)" value={money(preview.charges_round_trip)} />
      </div>
      <Table label="preview legs" head={["Leg", "Side", "Bid", "Ask", "Mid", "Entry charges"]}>
        {preview.legs.map((leg) => (
          <tr key={leg.instrument_id}>
            <Cell>{leg.instrument_id}</Cell>
            <Cell className={leg.side === "SELL" ? "text-rose-300" : "text-emerald-300"}>{leg.side}</Cell>
            <Cell>{num(leg.bid)}</Cell>
            <Cell>{num(leg.ask)}</Cell>
            <Cell>{num(leg.mid)}</Cell>
            <Cell>{money(leg.entry_charges)}</Cell>
          </tr>
        ))}
      </Table>
      <div className="mt-3">
        <PayoffChart label="payoff of the preview" legs={legs} spot={null} years={0} breakevens={preview.breakevens} />
      </div>
    </Panel>
  );
}

/** Lots as typed text (a number box would hand over "" for "abc"), so the message echoes it. */
export function LotsField({ text, invalid, onChange }: { text: string; invalid: boolean; onChange: (text: string) => void }) {
  return (
    <Field label="Lots">
      <input className={`${INPUT} w-24`} type="text" inputMode="numeric" value={text} aria-invalid={invalid} onChange={(e) => onChange(e.target.value)} />
    </Field>
  );
}

/** What the confirmation names: the spread, its risk and exactly the legs that are sent. */
export function SubmitSummary({ preview }: { preview: Preview }) {
  return (
    <>
      <p>
        {preview.lots} lot{preview.lots === 1 ? "" : "s"} of {preview.spread_type.replaceAll("_", " ")} on {preview.underlying} {date(preview.expiry)}: max loss{" "}
        {money(preview.max_loss)}, margin {money(preview.margin.total)}, charges {money(preview.charges_entry)}.
      </p>
      <ul aria-label="legs sent" className="list-disc pl-5">
        {preview.legs.map((leg) => (
          <li key={leg.instrument_id} data-testid="confirm-leg">
            {leg.side} {num(leg.strike)} {leg.right}
          </li>
        ))}
      </ul>
      <p>These legs are sent as previewed, hedges first; prices may have moved since the preview.</p>
    </>
  );
}

function SubmissionPanel({ submission }: { submission: Submission }) {
  const live = useLive();
  const orders = Object.values(live.orders)
    .filter((o) => submission.spread_id && o.tags.includes(`spread=${submission.spread_id}`))
    .sort((a, b) => a.ts_init.localeCompare(b.ts_init));
  return (
    <Panel title="Submission">
      <p className="mb-2 text-sm" data-testid="submission-status" data-status={submission.status}>
        {submission.spread_id || "—"}: <strong>{submission.status}</strong>
        {submission.reason ? ` (${submission.reason})` : ""} · {submission.lots} of {submission.lots_requested} lots
      </p>
      <Table label="orders of the submitted spread" head={["Order", "Instrument", "Side", "Status", "Filled", "Placed", "Updated"]}>
        {orders.map((o) => (
          <tr key={o.client_order_id} data-testid="submission-order" data-side={o.side} data-status={o.status}>
            <Cell className="text-xs">{o.client_order_id}</Cell>
            <Cell>{o.instrument_id}</Cell>
            <Cell className={o.side === "SELL" ? "text-rose-300" : "text-emerald-300"}>{o.side}</Cell>
            <Cell>{o.status}</Cell>
            <Cell>
              {num(o.filled_qty, 0)} / {num(o.quantity, 0)}
            </Cell>
            <Cell>{time(o.ts_init)}</Cell>
            <Cell>{time(o.ts_last)}</Cell>
          </tr>
        ))}
      </Table>
    </Panel>
  );
}

export function Builder() {
  const { rest, session } = useApp();
  const [mode, setMode] = useState<"template" | "legs">("template");
  const [shape, setShape] = useState(FRESH.template[0]);
  const [shapeError, setShapeError] = useState<string | null>(null);
  const [lotsText, setLotsText] = useState("1");
  const [preview, setPreview] = useState<Preview | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [submission, setSubmission] = useState<Submission | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const trade = session.scopes.includes("trade") || session.scopes.includes("admin");
  const live = useLive();
  const blocked = nodeControls(live.status, freshness(live, useNow(), STALE_AFTER_MS)).actionsBlocked;
  const lots = checkLots(lotsText);
  const invalid = shapeError ?? lots.error;
  const request: SpreadRequest = { ...shape, lots: lots.value ?? LIMITS.lots.min };

  const changeShape: ShapeChange = (next, problem) => {
    setShape(next);
    setShapeError(problem);
    setPreview(null);
  };

  const doPreview = async () => {
    setBusy(true);
    setError(null);
    try {
      setPreview(await unwrap(rest.POST("/api/v1/manual/preview", { body: request })));
    } catch (e) {
      setPreview(null);
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const follow = async (key: string) => {
    for (let round = 0; round < 120; round += 1) {
      const state = await unwrap(rest.GET("/api/v1/manual/submissions/{idempotency_key}", { params: { path: { idempotency_key: key } } }));
      setSubmission(state);
      if (FINAL.has(state.status)) return;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };

  const submit = async (previewed: Preview) => {
    setConfirming(false);
    setBusy(true);
    setError(null);
    const key = newKey();
    try {
      setSubmission(await unwrap(rest.POST("/api/v1/manual/submit", { body: { ...previewedRequest(previewed), idempotency_key: key } })));
      await follow(key);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="grid gap-4">
      <Panel title="Build a spread">
        <div className="mb-3 flex gap-2" role="radiogroup" aria-label="how to build">
          {(["template", "legs"] as const).map((m) => (
            <label key={m} className="flex items-center gap-1 text-sm">
              <input type="radio" name="mode" checked={mode === m} onChange={() => (setMode(m), changeShape(...FRESH[m]))} /> {m === "template" ? "From a template" : "From legs"}
            </label>
          ))}
        </div>
        {mode === "template" ? <Template onChange={changeShape} /> : <Legs onChange={changeShape} />}
        <div className="mt-3 flex items-end gap-3">
          <LotsField text={lotsText} invalid={lots.error !== null} onChange={(text) => (setLotsText(text), setPreview(null))} />
          <Button onClick={() => void doPreview()} disabled={busy || invalid !== null}>
            Preview
          </Button>
          <Button tone="primary" disabled={busy || !preview || !trade || invalid !== null || blocked !== null} title={blocked ?? undefined} onClick={() => setConfirming(true)}>
            Submit…
          </Button>
        </div>
        <ErrorText error={invalid ?? error} />
      </Panel>
      {preview ? <PreviewPanel preview={preview} /> : null}
      {submission ? <SubmissionPanel submission={submission} /> : null}
      <ConfirmDialog
        open={confirming && preview !== null}
        title="Submit this spread?"
        confirmLabel="Submit spread"
        onConfirm={() => void (preview && submit(preview))}
        onCancel={() => setConfirming(false)}
      >
        {preview ? <SubmitSummary preview={preview} /> : null}
      </ConfirmDialog>
    </div>
  );
}
