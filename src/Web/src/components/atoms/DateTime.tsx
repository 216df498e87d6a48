// The OpenAPI document types timestamps as `unknown` (and counters as number | string): these narrow them
// without trusting the shape.

/** A Date from an API timestamp (ISO string or epoch number); null when absent or unreadable. */
export function toDate(value: unknown): Date | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** An integer from a `number | string` field; null when absent or not a number. */
export function toInt(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  return null;
}

const formatter = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A timestamp as a machine-readable <time>, shown in the user's locale; `fallback` when there is none. */
export function DateTime({ value, fallback = '—' }: { value: unknown; fallback?: string }) {
  const date = toDate(value);
  if (!date) return <span className="muted">{fallback}</span>;
  return <time dateTime={date.toISOString()}>{formatter.format(date)}</time>;
}
