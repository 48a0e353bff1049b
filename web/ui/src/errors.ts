/** What an error answer says, as a message for the user (the bridge's detail, naming the field). */

interface FieldError {
  loc?: unknown[];
  msg?: string;
}

/** The field path of a validation error, without where it came from ("body", "query"). */
function fieldPath(loc: unknown[]): string {
  const parts = loc[0] === "body" || loc[0] === "query" || loc[0] === "path" ? loc.slice(1) : loc;
  return parts.join(".");
}

/**
 * The `detail` of an error body as text: a string as it is, a list of validation errors as
 * "field: message; ...", and otherwise `HTTP <status>`.
 */
export function detailText(detail: unknown, status: number): string {
  if (typeof detail === "string" && detail) return detail;
  if (Array.isArray(detail) && detail.length > 0) {
    return detail
      .map((d: FieldError) => {
        const path = fieldPath(Array.isArray(d.loc) ? d.loc : []);
        return path ? `${path}: ${d.msg ?? "invalid"}` : (d.msg ?? "invalid");
      })
      .join("; ");
  }
  return `HTTP ${status}`;
}

/** A "wait" hint from a `Retry-After` header in seconds ("try again in 5 min"), or "". */
export function retryHint(retryAfter: string | null): string {
  const secs = Number(retryAfter);
  if (!retryAfter || !Number.isFinite(secs) || secs <= 0) return "";
  return secs < 90 ? ` (try again in ${Math.ceil(secs)} s)` : ` (try again in ${Math.ceil(secs / 60)} min)`;
}

/** The message of an error answer: its detail, and how long to wait when it says. */
export function responseText(body: unknown, response: Response): string {
  const detail = body && typeof body === "object" ? (body as { detail?: unknown }).detail : undefined;
  const text = detailText(detail, response.status);
  return text.includes("try again in") ? text : text + retryHint(response.headers.get("Retry-After"));
}
