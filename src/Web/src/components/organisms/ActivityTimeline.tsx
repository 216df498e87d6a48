import { describeActivity } from '../../features/tasks/activity';
import { useTaskActivity } from '../../features/tasks/hooks';

/** The task's history, oldest first, one sentence per event. */
export function ActivityTimeline({ taskKey, nameOf }: { taskKey: string; nameOf(id: string): string }) {
  const activity = useTaskActivity(taskKey);
  return (
    <section aria-labelledby="activity-heading" className="task-section">
      <h2 id="activity-heading">Activity</h2>
      {activity.isPending && <p className="muted">Loading the history…</p>}
      {activity.isError && <p role="alert">Could not load the history: {activity.error.message}</p>}
      {activity.isSuccess && activity.data.length === 0 && <p className="muted">No history yet.</p>}
      {activity.isSuccess && activity.data.length > 0 && (
        <ol className="timeline">
          {activity.data.map((entry) => {
            return (
              <li key={String(entry.id)} className="timeline__item">
                <span>{describeActivity(entry, nameOf)}</span>{' '}
                <time className="muted" dateTime={entry.occurredAt}>
                  {new Date(entry.occurredAt).toLocaleString()}
                </time>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
