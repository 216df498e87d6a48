import { memo } from 'react';
import { Link } from 'react-router';
import { useDraggable } from '@dnd-kit/core';
import { Avatar } from '../atoms/Avatar';
import { DueDate } from '../atoms/DueDate';
import { PriorityIcon } from '../atoms/PriorityIcon';
import { MenuButton } from './MenuButton';
import { STATUSES, statusLabel, type Task, type TaskStatus } from '../../features/tasks/types';

export interface TaskCardProps {
  task: Task;
  assigneeName: string | null;
  onMove(task: Task, status: TaskStatus): void;
}

/** The card content, shared by the card in its column and the copy that follows the pointer while dragging. */
export function TaskCardBody({ task, assigneeName }: Omit<TaskCardProps, 'onMove'>) {
  return (
    <>
      <div className="task-card__top">
        <span className="task-card__key">{task.key}</span>
        <PriorityIcon priority={task.priority} />
      </div>
      <Link className="task-card__title" to={`/tasks/${task.key}`} draggable={false}>
        {task.title}
      </Link>
      <div className="task-card__meta">
        <span className="task-card__labels">
          {task.labels.map((label) => (
            <span key={label} className="label-chip">
              {label}
            </span>
          ))}
        </span>
        {task.dueDate && <DueDate date={task.dueDate} />}
        {assigneeName ? <Avatar name={assigneeName} /> : <span className="avatar avatar--empty" role="img" aria-label="Unassigned" />}
      </div>
    </>
  );
}

/**
 * A board card. The mouse drags it from anywhere on the card; the keyboard picks it up from its handle (Space, then
 * arrows between columns, Space to drop) or moves it with the "Move to…" menu.
 */
export const TaskCard = memo(function TaskCard({ task, assigneeName, onMove }: TaskCardProps) {
  const { setNodeRef, setActivatorNodeRef, attributes, listeners, isDragging } = useDraggable({
    id: task.id,
    data: { status: task.status },
    attributes: { roleDescription: 'draggable task' },
  });
  return (
    <article ref={setNodeRef} className={isDragging ? 'task-card task-card--dragging' : 'task-card'} {...listeners} aria-label={`${task.key} ${task.title}`}>
      <button ref={setActivatorNodeRef} type="button" className="task-card__handle" {...attributes} aria-label={`Drag ${task.key}`}>
        ⠿
      </button>
      <TaskCardBody task={task} assigneeName={assigneeName} />
      <MenuButton
        className="task-card__move"
        label={`Move ${task.key} to…`}
        buttonText="⋯"
        items={STATUSES.map((s) => ({ id: s, label: statusLabel(s), disabled: s === task.status }))}
        onSelect={(id) => {
          const status = STATUSES.find((s) => s === id);
          if (status) onMove(task, status);
        }}
      />
    </article>
  );
});
