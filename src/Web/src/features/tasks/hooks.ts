import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { ifMatch } from '../../api/etag';
import { ApiError, expectNoContent, unwrap } from '../../api/problem';
import { dropTask, putTask } from './cache';
import { toQuery, type TaskListFilter } from './filters';
import { taskKeys } from './keys';
import { type Comment, type CreateTaskBody, type Task, type TaskPatch } from './types';

export { taskKeys };

/** The API's largest page: the board reads every task of a project in pages of this size. */
export const PAGE_SIZE = 100;

/** Every (live) task of the project, for the board: keyset pages of 100 until the last one. */
export function useBoardTasks(projectId: string) {
  return useQuery({
    queryKey: taskKeys.board(projectId),
    queryFn: async ({ signal }) => {
      const tasks: Task[] = [];
      let cursor: string | undefined;
      do {
        const page = unwrap(
          await api.GET('/api/v1/projects/{projectId}/tasks', {
            params: { path: { projectId }, query: { limit: PAGE_SIZE, sort: 'created', cursor } },
            signal,
          }),
        );
        tasks.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return tasks;
    },
  });
}

/** The filtered, sorted list, one keyset page at a time (`fetchNextPage` as the user scrolls). */
export function useTaskList(projectId: string, filter: TaskListFilter) {
  return useInfiniteQuery({
    queryKey: taskKeys.list(projectId, filter),
    initialPageParam: '',
    queryFn: async ({ pageParam, signal }) =>
      unwrap(
        await api.GET('/api/v1/projects/{projectId}/tasks', {
          params: { path: { projectId }, query: { ...toQuery(filter), limit: PAGE_SIZE, cursor: pageParam || undefined } },
          signal,
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useTrash(projectId: string) {
  return useInfiniteQuery({
    queryKey: taskKeys.trash(projectId),
    initialPageParam: '',
    queryFn: async ({ pageParam, signal }) =>
      unwrap(
        await api.GET('/api/v1/projects/{projectId}/tasks', {
          params: { path: { projectId }, query: { deleted: true, sort: '-updated', limit: PAGE_SIZE, cursor: pageParam || undefined } },
          signal,
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useTask(key: string) {
  return useQuery({
    queryKey: taskKeys.detail(key),
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/tasks/{idOrKey}', { params: { path: { idOrKey: key } }, signal })),
  });
}

/** A task's subtasks (the `parentId` filter), oldest first. */
export function useSubtasks(projectId: string, parentId: string) {
  return useQuery({
    queryKey: taskKeys.subtasks(projectId, parentId),
    queryFn: async ({ signal }) => {
      const page = unwrap(
        await api.GET('/api/v1/projects/{projectId}/tasks', {
          params: { path: { projectId }, query: { parentId, sort: 'created', limit: PAGE_SIZE } },
          signal,
        }),
      );
      return page.items;
    },
  });
}

export function useCreateTask(projectId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: CreateTaskBody) =>
      unwrap(await api.POST('/api/v1/projects/{projectId}/tasks', { params: { path: { projectId } }, body })),
    onSuccess: (task) => {
      queryClient.setQueryData(taskKeys.detail(task.key), task);
      putTask(queryClient, task);
      void queryClient.invalidateQueries({ queryKey: taskKeys.lists(projectId) });
      if (task.parentId) void queryClient.invalidateQueries({ queryKey: taskKeys.subtasks(projectId, task.parentId) });
    },
  });
}

/** Sends a merge patch with `If-Match` set to the version the caller last saw (412 when someone else was faster). */
export async function patchTask(task: Task, patch: TaskPatch): Promise<Task> {
  return unwrap(
    await api.PATCH('/api/v1/tasks/{idOrKey}', {
      params: { path: { idOrKey: task.key }, header: { 'If-Match': ifMatch(task.version) } },
      body: patch,
      headers: { 'Content-Type': 'application/merge-patch+json' },
    }),
  );
}

/** Editing from the task page: no optimistic update (the form shows its own pending state), 412 left to the page. */
export function useUpdateTask() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ task, patch }: { task: Task; patch: TaskPatch }) => patchTask(task, patch),
    onSuccess: (task) => {
      putTask(queryClient, task);
      void queryClient.invalidateQueries({ queryKey: taskKeys.activity(task.key) });
    },
    onError: (error, { task }) => {
      // Someone else saved first: read what they saved, so the page can show it next to the refused change.
      if (isConflict(error)) void queryClient.invalidateQueries({ queryKey: taskKeys.detail(task.key) });
    },
  });
}

export function isConflict(error: unknown): error is ApiError {
  return error instanceof ApiError && (error.status === 412 || error.status === 409);
}

/**
 * Moving a card on the board: the card moves at once (optimistic), goes back if the API refuses, and the board is
 * refetched either way so it shows what the server holds.
 */
export function useMoveTask(projectId: string, onRefused: (error: unknown, task: Task) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ task, patch }: { task: Task; patch: TaskPatch }) => patchTask(task, patch),
    onMutate: async ({ task, patch }) => {
      await queryClient.cancelQueries({ queryKey: taskKeys.board(projectId) });
      const before = queryClient.getQueryData<Task[]>(taskKeys.board(projectId));
      queryClient.setQueryData<Task[]>(taskKeys.board(projectId), (old) =>
        old?.map((t) => (t.id === task.id ? { ...t, ...patch, labels: patch.labels ?? t.labels } : t)),
      );
      return { before };
    },
    onError: (error, { task }, context) => {
      if (context?.before) queryClient.setQueryData(taskKeys.board(projectId), context.before);
      onRefused(error, task);
    },
    onSuccess: (task) => putTask(queryClient, task),
    onSettled: (_data, error) => {
      if (error) void queryClient.invalidateQueries({ queryKey: taskKeys.board(projectId) });
    },
  });
}

export function useDeleteTask() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (task: Task) => {
      expectNoContent(
        await api.DELETE('/api/v1/tasks/{idOrKey}', {
          params: { path: { idOrKey: task.key }, header: { 'If-Match': ifMatch(task.version) } },
        }),
      );
      return task;
    },
    onSuccess: (task) => {
      dropTask(queryClient, task.projectId, task.id);
      queryClient.removeQueries({ queryKey: taskKeys.detail(task.key) });
      void queryClient.invalidateQueries({ queryKey: taskKeys.trash(task.projectId) });
    },
  });
}

export function useRestoreTask(projectId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (key: string) =>
      unwrap(await api.POST('/api/v1/tasks/{idOrKey}/restore', { params: { path: { idOrKey: key } } })),
    onSuccess: (task) => {
      putTask(queryClient, task);
      void queryClient.invalidateQueries({ queryKey: taskKeys.project(projectId) });
    },
  });
}

export function useComments(key: string) {
  return useInfiniteQuery({
    queryKey: taskKeys.comments(key),
    initialPageParam: '',
    queryFn: async ({ pageParam, signal }) =>
      unwrap(
        await api.GET('/api/v1/tasks/{idOrKey}/comments', {
          params: { path: { idOrKey: key }, query: { limit: PAGE_SIZE, cursor: pageParam || undefined } },
          signal,
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useAddComment(key: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: string) =>
      unwrap(await api.POST('/api/v1/tasks/{idOrKey}/comments', { params: { path: { idOrKey: key } }, body: { body } })),
    onSuccess: () => invalidateConversation(queryClient, key),
  });
}

export function useEditComment(key: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ comment, body }: { comment: Comment; body: string }) =>
      unwrap(
        await api.PATCH('/api/v1/comments/{commentId}', {
          params: { path: { commentId: comment.id }, header: { 'If-Match': ifMatch(comment.version) } },
          body: { body },
        }),
      ),
    onSettled: () => invalidateConversation(queryClient, key),
  });
}

export function useDeleteComment(key: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (comment: Comment) =>
      expectNoContent(
        await api.DELETE('/api/v1/comments/{commentId}', {
          params: { path: { commentId: comment.id }, header: { 'If-Match': ifMatch(comment.version) } },
        }),
      ),
    onSettled: () => invalidateConversation(queryClient, key),
  });
}

function invalidateConversation(queryClient: ReturnType<typeof useQueryClient>, key: string) {
  void queryClient.invalidateQueries({ queryKey: taskKeys.comments(key) });
  void queryClient.invalidateQueries({ queryKey: taskKeys.activity(key) });
}

export function useTaskActivity(key: string) {
  return useQuery({
    queryKey: taskKeys.activity(key),
    queryFn: async ({ signal }) => {
      const page = unwrap(
        await api.GET('/api/v1/tasks/{idOrKey}/activity', { params: { path: { idOrKey: key }, query: { limit: PAGE_SIZE } }, signal }),
      );
      return page.items;
    },
  });
}
