import { useCallback, useMemo, useState } from 'react';
import { useParams } from 'react-router';
import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type DragStartEvent,
} from '@dnd-kit/core';
import { ApiError } from '../../api/problem';
import { Button } from '../../components/atoms/Button';
import { VisuallyHidden } from '../../components/atoms/VisuallyHidden';
import { TaskCard, TaskCardBody } from '../../components/molecules/TaskCard';
import { BoardColumn } from '../../components/organisms/BoardColumn';
import { CreateTaskDialog } from '../../components/organisms/CreateTaskDialog';
import { ProjectNav } from '../../components/organisms/ProjectNav';
import { LiveBanner } from '../../features/live/LiveBanner';
import { useProjectFeed } from '../../features/live/useProjectFeed';
import { useBoardTasks, useCreateTask, useMoveTask } from '../../features/tasks/hooks';
import { isStatus, STATUSES, statusLabel, type Task, type TaskStatus } from '../../features/tasks/types';
import { useToast } from '../../ui/toast';
import { columnKeyboardCoordinates } from '../../features/tasks/boardKeyboard';
import '../../features/tasks/tasks.css';
import { useMembers } from '../../features/members/hooks';

function refusalMessage(error: unknown, task: Task): string {
  if (error instanceof ApiError && error.status === 412) return `${task.key} was changed by someone else — refreshed`;
  if (error instanceof ApiError && error.status === 409) return `${task.key} could not be moved: ${error.detail ?? error.title} — refreshed`;
  return `${task.key} could not be moved: ${error instanceof Error ? error.message : 'unknown error'}`;
}

export function BoardPage() {
  const { projectId = '' } = useParams();
  const board = useBoardTasks(projectId);
  const members = useMembers(projectId);
  const live = useProjectFeed(projectId);
  const toast = useToast();
  const create = useCreateTask(projectId);
  const [announcement, setAnnouncement] = useState('');
  const [dragging, setDragging] = useState<Task | null>(null);
  const [dialogOpen, setDialogOpen] = useState(false);

  const { mutate: moveMutate } = useMoveTask(projectId, (error, task) => {
    const message = refusalMessage(error, task);
    toast.show(message, { tone: 'error' });
    setAnnouncement(message);
  });

  const names = useMemo(() => new Map((members.data ?? []).map((m) => [m.userId, m.displayName ?? 'Unknown'])), [members.data]);
  const byStatus = useMemo(() => {
    const columns = new Map<TaskStatus, Task[]>(STATUSES.map((s) => [s, []]));
    for (const task of board.data ?? []) columns.get(task.status)?.push(task);
    return columns;
  }, [board.data]);
  const taskById = useCallback((id: string | number) => board.data?.find((t) => t.id === id), [board.data]);

  const moveTask = useCallback(
    (task: Task, status: TaskStatus) => {
      if (task.status === status) return;
      setAnnouncement(`${task.key} moved to ${statusLabel(status)}`);
      moveMutate({ task, patch: { status } });
    },
    [moveMutate],
  );

  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }), useSensor(KeyboardSensor, { coordinateGetter: columnKeyboardCoordinates }));

  const columnName = (id: string | number | undefined) => (isStatus(id) ? statusLabel(id) : 'no column');
  const cardName = (id: string | number) => taskById(id)?.key ?? 'task';
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${cardName(active.id)}. Use the arrow keys to move it between columns, Space to drop, Escape to cancel.`,
    onDragOver: ({ active, over }) => `${cardName(active.id)} is over ${columnName(over?.id)}.`,
    onDragEnd: ({ active, over }) => `${cardName(active.id)} dropped in ${columnName(over?.id)}.`,
    onDragCancel: ({ active }) => `Moving ${cardName(active.id)} was cancelled.`,
  };

  const onDragStart = ({ active }: DragStartEvent) => setDragging(taskById(active.id) ?? null);
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    setDragging(null);
    const task = taskById(active.id);
    if (task && over && isStatus(over.id)) moveTask(task, over.id);
  };

  return (
    <section className="board-page" aria-labelledby="board-heading">
      <ProjectNav projectId={projectId} />
      <div className="page-toolbar">
        <h2 id="board-heading" className="page-toolbar__title">
          Board
        </h2>
        <Button onClick={() => setDialogOpen(true)}>New task</Button>
      </div>
      <LiveBanner status={live} />
      <VisuallyHidden>
        <span role="status" aria-live="assertive">
          {announcement}
        </span>
      </VisuallyHidden>
      {board.isError && (
        <div role="alert" className="form-error">
          Could not load the board: {board.error.message}{' '}
          <Button variant="secondary" onClick={() => void board.refetch()}>
            Retry
          </Button>
        </div>
      )}
      <DndContext
        sensors={sensors}
        onDragStart={onDragStart}
        onDragEnd={onDragEnd}
        onDragCancel={() => setDragging(null)}
        accessibility={{
          announcements,
          screenReaderInstructions: {
            draggable: 'To move a task, press Space on its handle, use the arrow keys to choose a column, then Space to drop it. Or use its Move to menu.',
          },
        }}
      >
        <div className="board" data-testid="board" aria-busy={board.isPending}>
          {STATUSES.map((status) => {
            const tasks = byStatus.get(status) ?? [];
            return (
              <BoardColumn
                key={status}
                status={status}
                count={board.isSuccess ? tasks.length : null}
                loading={board.isPending}
                onQuickCreate={(title) =>
                  create.mutateAsync(
                    { title, status, description: null, priority: null, assigneeId: null, labels: null, dueDate: null, parentId: null },
                    {
                      onSuccess: (task) => setAnnouncement(`Created ${task.key} in ${statusLabel(status)}`),
                      onError: (error) => toast.show(`Could not create the task: ${error.message}`, { tone: 'error' }),
                    },
                  )
                }
              >
                {tasks.map((task) => (
                  <TaskCard key={task.id} task={task} assigneeName={task.assigneeId ? (names.get(task.assigneeId) ?? 'Unknown') : null} onMove={moveTask} />
                ))}
              </BoardColumn>
            );
          })}
        </div>
        <DragOverlay>
          {dragging && (
            <div className="task-card task-card--overlay">
              <TaskCardBody task={dragging} assigneeName={dragging.assigneeId ? (names.get(dragging.assigneeId) ?? 'Unknown') : null} />
            </div>
          )}
        </DragOverlay>
      </DndContext>
      <CreateTaskDialog projectId={projectId} open={dialogOpen} onClose={() => setDialogOpen(false)} />
    </section>
  );
}
