import { useCallback, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/problem';
import { Button } from '../../components/atoms/Button';
import { Spinner } from '../../components/atoms/Spinner';
import { ActivityTimeline } from '../../components/organisms/ActivityTimeline';
import { CommentThread } from '../../components/organisms/CommentThread';
import { CreateTaskDialog } from '../../components/organisms/CreateTaskDialog';
import { DescriptionField, PropertyFields, TitleField } from '../../components/organisms/TaskFields';
import { LiveBanner } from '../../features/live/LiveBanner';
import { useProjectFeed } from '../../features/live/useProjectFeed';
import { useDeleteTask, useSubtasks, useTask, useUpdateTask } from '../../features/tasks/hooks';
import { statusLabel, type Task, type TaskPatch } from '../../features/tasks/types';
import { useToast } from '../../ui/toast';
import '../../features/tasks/tasks.css';
import { useMembers } from '../../features/members/hooks';

function describePatch(patch: TaskPatch): string {
  return Object.keys(patch).join(', ');
}

export function TaskPage() {
  const { key = '' } = useParams();
  const task = useTask(key);
  if (task.isPending) return <Spinner label={`Loading ${key}`} />;
  if (task.isError) {
    const gone = task.error instanceof ApiError && task.error.status === 404;
    return (
      <section aria-labelledby="task-heading">
        <h1 id="task-heading">{key}</h1>
        <p role="alert">{gone ? 'This task does not exist, or it was moved to the trash.' : `Could not load the task: ${task.error.message}`}</p>
        {!gone && (
          <Button variant="secondary" onClick={() => void task.refetch()}>
            Retry
          </Button>
        )}
      </section>
    );
  }
  return <TaskView task={task.data} />;
}

function TaskView({ task }: { task: Task }) {
  const members = useMembers(task.projectId);
  const live = useProjectFeed(task.projectId);
  const update = useUpdateTask();
  const remove = useDeleteTask();
  const subtasks = useSubtasks(task.projectId, task.id);
  const toast = useToast();
  const navigate = useNavigate();
  const [conflict, setConflict] = useState<TaskPatch | null>(null);
  const [subtaskOpen, setSubtaskOpen] = useState(false);

  const names = useMemo(() => new Map((members.data ?? []).map((m) => [m.userId, m.displayName ?? 'Unknown'])), [members.data]);
  const nameOf = useCallback((id: string) => names.get(id) ?? 'Someone', [names]);
  const people = useMemo(() => (members.data ?? []).map((m) => ({ id: m.userId, name: m.displayName ?? '' })).filter((p) => p.name), [members.data]);

  const save = useCallback(
    (patch: TaskPatch, base: Task = task) => {
      update.mutate(
        { task: base, patch },
        {
          onSuccess: () => setConflict(null),
          onError: (error) => {
            if (error instanceof ApiError && error.status === 412) {
              setConflict(patch);
              return;
            }
            toast.show(`Could not save: ${error instanceof ApiError ? (error.fieldError(Object.keys(patch)[0] ?? '') ?? error.detail ?? error.title) : error.message}`, {
              tone: 'error',
            });
          },
        },
      );
    },
    [task, update, toast],
  );

  const fieldProps = { task, save: (patch: TaskPatch) => save(patch), saving: update.isPending };

  return (
    <article className="task-page" aria-labelledby="task-heading">
      <LiveBanner status={live} />
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={`/projects/${task.projectId}/board`}>Board</Link> / <Link to={`/projects/${task.projectId}/list`}>List</Link> / <span>{task.key}</span>
      </nav>
      <h1 id="task-heading" className="task-page__heading">
        <span className="task-page__key">{task.key}</span>
        <span className="visually-hidden"> {task.title}</span>
      </h1>
      {conflict && (
        <div role="alert" className="conflict">
          <p>
            <strong>Someone changed this task</strong> while you were editing: the fields now show the latest values. Your change ({describePatch(conflict)})
            was not saved.
          </p>
          <div className="button-row">
            <Button onClick={() => save(conflict, task)}>Re-apply my change</Button>
            <Button variant="secondary" onClick={() => setConflict(null)}>
              Keep theirs
            </Button>
          </div>
        </div>
      )}
      <div className="task-page__layout">
        <div className="task-page__main">
          <TitleField key={`title-${task.title}`} {...fieldProps} />
          <DescriptionField key={`description-${task.description ?? ''}`} {...fieldProps} />
          <section aria-labelledby="subtasks-heading" className="task-section">
            <div className="page-toolbar">
              <h2 id="subtasks-heading" className="page-toolbar__title">
                Subtasks
              </h2>
              <Button variant="secondary" onClick={() => setSubtaskOpen(true)}>
                Add subtask
              </Button>
            </div>
            {subtasks.data && subtasks.data.length === 0 && <p className="muted">No subtasks.</p>}
            <ul className="subtasks">
              {subtasks.data?.map((sub) => (
                <li key={sub.id}>
                  <Link to={`/tasks/${sub.key}`}>
                    <span className="muted">{sub.key}</span> {sub.title}
                  </Link>{' '}
                  <span className="badge">{statusLabel(sub.status)}</span>
                </li>
              ))}
            </ul>
          </section>
          <CommentThread taskKey={task.key} people={people} nameOf={nameOf} />
          <ActivityTimeline taskKey={task.key} nameOf={nameOf} />
        </div>
        <aside className="task-page__side" aria-label="Properties">
          <PropertyFields {...fieldProps} members={members.data ?? []} />
          <Button
            variant="danger"
            busy={remove.isPending}
            onClick={() => {
              if (!window.confirm(`Move ${task.key} to the trash?`)) return;
              remove.mutate(task, {
                onSuccess: () => {
                  toast.show(`${task.key} moved to the trash`, { tone: 'success' });
                  void navigate(`/projects/${task.projectId}/board`);
                },
                onError: (error) => toast.show(`Could not delete ${task.key}: ${error.message}`, { tone: 'error' }),
              });
            }}
          >
            Move to trash
          </Button>
        </aside>
      </div>
      <CreateTaskDialog projectId={task.projectId} open={subtaskOpen} onClose={() => setSubtaskOpen(false)} parentId={task.id} />
    </article>
  );
}
