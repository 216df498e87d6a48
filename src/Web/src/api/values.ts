// The OpenAPI document types timestamps as `unknown` and counters as `number | string` (.NET's number
// handling): these narrow them without trusting the shape.

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
