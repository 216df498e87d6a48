import { useCallback, useMemo, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { Button } from '../../components/atoms/Button';
import { Spinner } from '../../components/atoms/Spinner';
import { CreateTaskDialog } from '../../components/organisms/CreateTaskDialog';
import { ProjectNav } from '../../components/organisms/ProjectNav';
import { TaskFilterBar } from '../../components/organisms/TaskFilterBar';
import { TaskGrid } from '../../components/organisms/TaskGrid';
import { LiveBanner } from '../../features/live/LiveBanner';
import { useProjectFeed } from '../../features/live/useProjectFeed';
import { isFiltered, readFilter, writeFilter, type TaskListFilter } from '../../features/tasks/filters';
import { useTaskList } from '../../features/tasks/hooks';
import type { Task } from '../../features/tasks/types';
import '../../features/tasks/tasks.css';
import { useMembers } from '../../features/members/hooks';

export function ListPage() {
  const { projectId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  // The URL is the state: a stable object per distinct query string, so query keys and effects follow it.
  const search = params.toString();
  const filter = useMemo(() => readFilter(new URLSearchParams(search)), [search]);
  const list = useTaskList(projectId, filter);
  const members = useMembers(projectId);
  const live = useProjectFeed(projectId);
  const [dialogOpen, setDialogOpen] = useState(false);

  const onChange = useCallback(
    (next: TaskListFilter, options?: { replace?: boolean }) => setParams(writeFilter(next), { replace: options?.replace ?? false }),
    [setParams],
  );
  const names = useMemo(() => new Map((members.data ?? []).map((m) => [m.userId, m.displayName ?? 'Unknown'])), [members.data]);
  const tasks = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  const open = useCallback((task: Task) => void navigate(`/tasks/${task.key}`), [navigate]);

  return (
    <section className="list-page" aria-labelledby="list-heading">
      <ProjectNav projectId={projectId} />
      <div className="page-toolbar">
        <h2 id="list-heading" className="page-toolbar__title">
          List
        </h2>
        <Button onClick={() => setDialogOpen(true)}>New task</Button>
      </div>
      <LiveBanner status={live} />
      <TaskFilterBar filter={filter} members={members.data ?? []} onChange={onChange} onClear={() => setParams(new URLSearchParams())} />
      <p className="muted list-page__summary" aria-live="polite">
        {list.isSuccess &&
          (tasks.length === 0
            ? isFiltered(filter)
              ? 'No task matches these filters.'
              : 'No tasks yet.'
            : `${tasks.length}${hasNextPage ? '+' : ''} task${tasks.length === 1 ? '' : 's'}`)}
      </p>
      {list.isPending && <Spinner label="Loading tasks" />}
      {list.isError && (
        <div role="alert" className="form-error">
          Could not load the tasks: {list.error.message}{' '}
          <Button variant="secondary" onClick={() => void list.refetch()}>
            Retry
          </Button>
        </div>
      )}
      {list.isSuccess && tasks.length > 0 && (
        <TaskGrid
          label="Tasks"
          tasks={tasks}
          hasMore={hasNextPage}
          loadingMore={isFetchingNextPage}
          onLoadMore={loadMore}
          assigneeName={(id) => names.get(id) ?? 'Unknown'}
          onOpen={open}
        />
      )}
      <CreateTaskDialog projectId={projectId} open={dialogOpen} onClose={() => setDialogOpen(false)} />
    </section>
  );
}
