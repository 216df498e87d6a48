const formatter = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A timestamp (the API's ISO date-time) as a machine-readable <time>, shown in the user's locale; `fallback` when there is none. */
export function DateTime({ value, fallback = '—' }: { value: string | null | undefined; fallback?: string }) {
  if (!value) return <span className="muted">{fallback}</span>;
  return <time dateTime={value}>{formatter.format(new Date(value))}</time>;
}
