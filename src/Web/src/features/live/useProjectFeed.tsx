import { useEffect, useState } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { ApiError, unwrap } from '../../api/problem';
import { dropTask, putTask } from '../tasks/cache';
import { taskKeys } from '../tasks/keys';
import { followProjectFeed, type FeedEvent, type FeedStatus } from './feed';
import { memberKeys } from '../members/hooks';

/** Events that arrive together (a status change is both task.updated and task.status_changed) are applied once. */
const COALESCE_MS = 100;

/** Above this many changed tasks in one batch, the views are re-read instead of each task. */
const MAX_TASK_READS = 20;

/** The notifications feature (another branch) keys everything under this prefix. */
const NOTIFICATIONS_KEY = ['notifications'];

async function refreshTask(queryClient: QueryClient, projectId: string, key: string): Promise<void> {
  try {
    const task = await queryClient.fetchQuery({
      queryKey: taskKeys.detail(key),
      staleTime: 0,
      queryFn: async () => unwrap(await api.GET('/api/v1/tasks/{idOrKey}', { params: { path: { idOrKey: key } } })),
    });
    putTask(queryClient, task);
  } catch (error) {
    // Gone (deleted meanwhile) or unreachable: let the views read again rather than show a stale card.
    if (error instanceof ApiError && error.status === 404) {
      void queryClient.invalidateQueries({ queryKey: taskKeys.board(projectId) });
    }
  }
}

/** Applies a batch of feed events to the React Query cache. Exported for tests. */
export function applyFeedEvents(queryClient: QueryClient, projectId: string, events: FeedEvent[]): void {
  const changedKeys = new Set<string>();
  let listsChanged = false;
  for (const event of events) {
    const [kind] = event.type.split('.');
    if (kind === 'task' && event.key) {
      if (event.type === 'task.deleted') {
        if (event.taskId) dropTask(queryClient, projectId, event.taskId);
        void queryClient.invalidateQueries({ queryKey: taskKeys.detail(event.key) });
        changedKeys.delete(event.key);
      } else {
        changedKeys.add(event.key);
      }
      if (event.type !== 'task.updated' && event.type !== 'task.assigned' && event.type !== 'task.status_changed') {
        listsChanged = true;
      }
      void queryClient.invalidateQueries({ queryKey: taskKeys.activity(event.key) });
    } else if (kind === 'comment' && event.key) {
      void queryClient.invalidateQueries({ queryKey: taskKeys.comments(event.key) });
      void queryClient.invalidateQueries({ queryKey: taskKeys.activity(event.key) });
    } else if (kind === 'member') {
      void queryClient.invalidateQueries({ queryKey: memberKeys.list(projectId) });
    } else if (kind === 'project') {
      void queryClient.invalidateQueries({ queryKey: ['projects'] });
    }
    if (event.type === 'task.assigned' || event.type === 'comment.added') {
      void queryClient.invalidateQueries({ queryKey: NOTIFICATIONS_KEY });
    }
  }
  if (changedKeys.size > MAX_TASK_READS) {
    // A burst (an import, a long catch-up): one re-read of the project's views beats a request per task.
    void queryClient.invalidateQueries({ queryKey: taskKeys.project(projectId) });
    return;
  }
  for (const key of changedKeys) void refreshTask(queryClient, projectId, key);
  if (listsChanged) {
    // Created, deleted or restored: which lists it belongs in depends on their filters, so they read again.
    void queryClient.invalidateQueries({ queryKey: taskKeys.lists(projectId) });
    void queryClient.invalidateQueries({ queryKey: taskKeys.trash(projectId) });
  }
  if (changedKeys.size > 0 || listsChanged) {
    // A subtask's parent, title or status may have changed: subtask lists are small, read them again.
    void queryClient.invalidateQueries({ queryKey: [...taskKeys.project(projectId), 'subtasks'] });
  }
}

/**
 * Keeps this project's cached tasks live by following its change feed while the component is mounted. Returns the
 * stream's status for the banner. After a drop it resumes from the last event it saw and re-reads the project's
 * task views, in case the gap was longer than the feed can replay.
 */
export function useProjectFeed(projectId: string | undefined): FeedStatus {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<FeedStatus>('connecting');

  useEffect(() => {
    if (!projectId) return;
    let pending: FeedEvent[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const feed = followProjectFeed({
      projectId,
      onStatus: setStatus,
      onEvent: (event) => {
        if (event.projectId && event.projectId !== projectId) return;
        pending.push(event);
        timer ??= setTimeout(() => {
          const batch = pending;
          pending = [];
          timer = undefined;
          applyFeedEvents(queryClient, projectId, batch);
        }, COALESCE_MS);
      },
      onReconnected: () => void queryClient.invalidateQueries({ queryKey: taskKeys.project(projectId) }),
    });
    return () => {
      feed.stop();
      if (timer) clearTimeout(timer);
    };
  }, [projectId, queryClient]);

  return status;
}
