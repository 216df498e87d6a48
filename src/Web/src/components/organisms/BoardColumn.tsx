import { useState, type ReactNode } from 'react';
import { useDroppable } from '@dnd-kit/core';
import { statusLabel, type TaskStatus } from '../../features/tasks/types';
import { Skeleton } from '../atoms/Skeleton';

/** A status column: a drop target with its count, its cards, and quick-create at the bottom. */
export function BoardColumn({
  status,
  count,
  children,
  loading = false,
  onQuickCreate,
}: {
  status: TaskStatus;
  count: number | null;
  children?: ReactNode;
  loading?: boolean;
  onQuickCreate?(title: string): Promise<unknown>;
}) {
  const { setNodeRef, isOver } = useDroppable({ id: status });
  const headingId = `column-${status}`;
  return (
    <section ref={setNodeRef} className={isOver ? 'board-column board-column--over' : 'board-column'} aria-labelledby={headingId}>
      <h3 id={headingId} className="board-column__title">
        {statusLabel(status)} <span className="board-column__count">{count ?? ''}</span>
      </h3>
      <div className="board-column__cards">
        {loading ? [0, 1, 2].map((i) => <Skeleton key={i} className="task-card-skeleton" />) : children}
      </div>
      {onQuickCreate && <QuickCreate status={status} onCreate={onQuickCreate} />}
    </section>
  );
}

function QuickCreate({ status, onCreate }: { status: TaskStatus; onCreate(title: string): Promise<unknown> }) {
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  if (!open) {
    return (
      <button
        type="button"
        className="btn btn--ghost board-column__add"
        aria-label={`Add task to ${statusLabel(status)}`}
        onClick={() => setOpen(true)}
      >
        + Add task
      </button>
    );
  }
  return (
    <form
      className="board-column__quick"
      onSubmit={(event) => {
        event.preventDefault();
        if (!title.trim()) return;
        setBusy(true);
        onCreate(title.trim())
          .then(() => setTitle(''))
          .catch(() => undefined)
          .finally(() => setBusy(false));
      }}
    >
      <input
        className="input"
        aria-label={`New task title in ${statusLabel(status)}`}
        placeholder="Task title, Enter to add"
        value={title}
        disabled={busy}
        autoFocus
        onChange={(e) => setTitle(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            setOpen(false);
            setTitle('');
          }
        }}
      />
    </form>
  );
}
