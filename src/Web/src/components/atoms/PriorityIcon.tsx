import type { TaskPriority } from '../../features/tasks/types';
import { priorityLabel } from '../../features/tasks/types';

const GLYPHS: Record<TaskPriority, string> = { none: '–', low: '▂', medium: '▄', high: '▆', urgent: '!' };

/** The priority as a small glyph with its name for screen readers and as a tooltip. */
export function PriorityIcon({ priority }: { priority: TaskPriority }) {
  return (
    <span className={`priority priority--${priority}`} role="img" aria-label={priorityLabel(priority)} title={priorityLabel(priority)}>
      {GLYPHS[priority]}
    </span>
  );
}
