import { toDate } from '../../api/values';

export { toDate, toInt } from '../../api/values';

const formatter = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A timestamp as a machine-readable <time>, shown in the user's locale; `fallback` when there is none. */
export function DateTime({ value, fallback = '—' }: { value: unknown; fallback?: string }) {
  const date = toDate(value);
  if (!date) return <span className="muted">{fallback}</span>;
  return <time dateTime={date.toISOString()}>{formatter.format(date)}</time>;
}
