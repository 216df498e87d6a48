/** A due date (YYYY-MM-DD), flagged when it has passed. */
export function DueDate({ date, today = new Date().toISOString().slice(0, 10) }: { date: string; today?: string }) {
  const overdue = date < today;
  const text = new Date(`${date}T00:00:00Z`).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
  return (
    <time dateTime={date} className={overdue ? 'due due--overdue' : 'due'} title={overdue ? `Overdue: due ${date}` : `Due ${date}`}>
      {text}
    </time>
  );
}
