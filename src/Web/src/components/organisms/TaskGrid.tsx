import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { statusLabel, type Task } from '../../features/tasks/types';
import { Avatar } from '../atoms/Avatar';
import { DueDate } from '../atoms/DueDate';
import { PriorityIcon } from '../atoms/PriorityIcon';

/** Fixed row height: the virtualiser then knows every row's place without measuring. */
export const ROW_HEIGHT = 40;
/** Ask for the next page this many rows before the end, so scrolling rarely waits. */
const PREFETCH_ROWS = 30;

/**
 * The task list as an ARIA grid, virtualised: only the rows in view (plus a margin) are in the DOM, so ten thousand
 * rows scroll like ten. Arrow keys move between rows, Home/End jump, Enter opens the task.
 */
export function TaskGrid({
  tasks,
  hasMore,
  loadingMore,
  onLoadMore,
  assigneeName,
  onOpen,
  label,
}: {
  tasks: Task[];
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore(): void;
  assigneeName(id: string): string;
  onOpen(task: Task): void;
  label: string;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const virtualizer = useVirtualizer({
    count: tasks.length + (hasMore ? 1 : 0),
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= tasks.length - PREFETCH_ROWS) onLoadMore();
  }, [hasMore, loadingMore, lastIndex, tasks.length, onLoadMore]);

  const focusRow = (index: number) => {
    const target = Math.max(0, Math.min(index, tasks.length - 1));
    setActive(target);
    virtualizer.scrollToIndex(target);
    requestAnimationFrame(() => scroller.current?.querySelector<HTMLElement>(`[data-index="${target}"]`)?.focus());
  };

  const onKeyDown = (event: KeyboardEvent, index: number, task: Task) => {
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    if (event.key in moves) {
      event.preventDefault();
      focusRow(index + (moves[event.key] ?? 0));
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      focusRow(event.key === 'Home' ? 0 : tasks.length - 1);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      onOpen(task);
    }
  };

  return (
    <div
      role="grid"
      aria-label={label}
      aria-rowcount={hasMore ? -1 : tasks.length + 1}
      aria-colcount={7}
      className="task-grid"
    >
      <div role="row" aria-rowindex={1} className="task-grid__row task-grid__head">
        <span role="columnheader">Key</span>
        <span role="columnheader">Title</span>
        <span role="columnheader">Status</span>
        <span role="columnheader">Priority</span>
        <span role="columnheader">Assignee</span>
        <span role="columnheader">Labels</span>
        <span role="columnheader">Due</span>
      </div>
      <div ref={scroller} className="task-grid__scroller" data-testid="task-grid-scroller">
        <div role="rowgroup" className="task-grid__body" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const task = tasks[item.index];
            if (!task) {
              return (
                <div key="loading" role="row" aria-rowindex={item.index + 2} className="task-grid__row task-grid__loading" style={{ transform: `translateY(${item.start}px)` }}>
                  <span role="gridcell">Loading more tasks…</span>
                </div>
              );
            }
            return (
              <div
                key={task.id}
                role="row"
                aria-rowindex={item.index + 2}
                data-index={item.index}
                tabIndex={item.index === active ? 0 : -1}
                className="task-grid__row"
                style={{ transform: `translateY(${item.start}px)` }}
                onClick={() => onOpen(task)}
                onFocus={() => setActive(item.index)}
                onKeyDown={(event) => onKeyDown(event, item.index, task)}
              >
                <span role="gridcell" className="task-grid__key">
                  {task.key}
                </span>
                <span role="gridcell" className="task-grid__title">
                  {task.title}
                </span>
                <span role="gridcell">{statusLabel(task.status)}</span>
                <span role="gridcell">
                  <PriorityIcon priority={task.priority} />
                </span>
                <span role="gridcell" className="task-grid__assignee">
                  {task.assigneeId ? (
                    <>
                      <Avatar name={assigneeName(task.assigneeId)} decorative /> {assigneeName(task.assigneeId)}
                    </>
                  ) : (
                    <span className="muted">Unassigned</span>
                  )}
                </span>
                <span role="gridcell" className="task-grid__labels">
                  {task.labels.map((l) => (
                    <span key={l} className="label-chip">
                      {l}
                    </span>
                  ))}
                </span>
                <span role="gridcell">{task.dueDate ? <DueDate date={task.dueDate} /> : ''}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
