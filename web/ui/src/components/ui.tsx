/** Small building blocks: panels, figures, buttons, tables. */
import type { ButtonHTMLAttributes, ReactNode } from "react";

export function Panel({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    // min-w-0: a wide table scrolls inside the panel rather than widening the page.
    <section className="min-w-0 rounded-lg border border-slate-700 bg-slate-900 p-4" aria-label={title}>
      <div className="mb-3 flex items-center justify-between gap-2">
        <h2 className="text-base font-semibold text-slate-100">{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

export function Figure({ label, value, className = "", testId }: { label: string; value: ReactNode; className?: string; testId?: string }) {
  return (
    <div>
      <div className="text-xs uppercase tracking-wide text-slate-300">{label}</div>
      <div className={`text-xl font-semibold tabular-nums ${className}`} data-testid={testId}>
        {value}
      </div>
    </div>
  );
}

type Tone = "default" | "danger" | "primary";

const TONES: Record<Tone, string> = {
  default: "bg-slate-700 hover:bg-slate-600 text-white",
  primary: "bg-sky-700 hover:bg-sky-600 text-white",
  danger: "bg-red-700 hover:bg-red-600 text-white",
};

export function Button({ tone = "default", className = "", ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { tone?: Tone }) {
  return (
    <button
      type="button"
      className={`rounded px-3 py-1.5 text-sm font-medium disabled:cursor-not-allowed disabled:bg-slate-800 disabled:text-slate-400 ${TONES[tone]} ${className}`}
      {...props}
    />
  );
}

export function Table({ head, children, label }: { head: string[]; children: ReactNode; label: string }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm tabular-nums" aria-label={label}>
        <thead className="text-xs uppercase text-slate-300">
          <tr>
            {head.map((h) => (
              <th key={h} scope="col" className="px-2 py-1 font-medium">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-800">{children}</tbody>
      </table>
    </div>
  );
}

export function Cell({ children, className = "" }: { children: ReactNode; className?: string }) {
  return <td className={`px-2 py-1 ${className}`}>{children}</td>;
}

export function ErrorText({ error }: { error: string | null }) {
  return error ? (
    <p role="alert" className="text-sm text-rose-300">
      {error}
    </p>
  ) : null;
}

export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="flex flex-col gap-1 text-sm text-slate-200">
      {label}
      {children}
    </label>
  );
}

export const INPUT = "rounded border border-slate-600 bg-slate-950 px-2 py-1 text-slate-100";
