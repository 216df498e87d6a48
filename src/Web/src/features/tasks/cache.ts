import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import type { components } from '../../api/schema';
import { taskKeys } from './keys';
import type { Task } from './types';

type TaskPage = components['schemas']['PageOfTaskResponse'];

function isTaskArray(value: unknown): value is Task[] {
  return Array.isArray(value);
}

function isInfinitePages(value: unknown): value is InfiniteData<TaskPage> {
  return typeof value === 'object' && value !== null && 'pages' in value && Array.isArray(value.pages);
}

function newer(a: Task, b: Task): boolean {
  return Number(a.version) >= Number(b.version);
}

/**
 * Puts a task's latest state wherever it is cached: the detail, the board and every loaded list page of its
 * project. Never replaces a newer version with an older one (a live event may arrive before a mutation's answer).
 * Lists are patched in place: a task that no longer matches a filter stays until the list refetches.
 */
export function putTask(queryClient: QueryClient, task: Task): void {
  queryClient.setQueryData<Task>(taskKeys.detail(task.key), (old) => (old && !newer(task, old) ? old : task));
  queryClient.setQueryData<Task[]>(taskKeys.board(task.projectId), (old) => {
    if (!isTaskArray(old)) return old;
    const at = old.findIndex((t) => t.id === task.id);
    if (at < 0) return [...old, task];
    const current = old[at];
    if (current && !newer(task, current)) return old;
    return old.map((t, i) => (i === at ? task : t));
  });
  for (const [queryKey, data] of queryClient.getQueriesData({ queryKey: taskKeys.lists(task.projectId) })) {
    if (!isInfinitePages(data)) continue;
    queryClient.setQueryData(queryKey, {
      ...data,
      pages: data.pages.map((page) => ({
        ...page,
        items: page.items.map((t) => (t.id === task.id && newer(task, t) ? task : t)),
      })),
    });
  }
}

/** Takes a task off the board and the loaded lists (it went to the trash). */
export function dropTask(queryClient: QueryClient, projectId: string, taskId: string): void {
  queryClient.setQueryData<Task[]>(taskKeys.board(projectId), (old) => (isTaskArray(old) ? old.filter((t) => t.id !== taskId) : old));
  for (const [queryKey, data] of queryClient.getQueriesData({ queryKey: taskKeys.lists(projectId) })) {
    if (!isInfinitePages(data)) continue;
    queryClient.setQueryData(queryKey, {
      ...data,
      pages: data.pages.map((page) => ({ ...page, items: page.items.filter((t) => t.id !== taskId) })),
    });
  }
}
