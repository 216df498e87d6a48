import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { ifMatch } from '../../api/etag';
import { ApiError, expectNoContent, unwrap } from '../../api/problem';
import type { components } from '../../api/schema';

export type Project = components['schemas']['ProjectResponse'];
export type CreateProjectRequest = components['schemas']['CreateProjectRequest'];
export type UpdateProjectRequest = components['schemas']['UpdateProjectRequest'];

/**
 * Query keys for the projects feature, from general to specific, so one invalidation can hit a whole branch:
 * queryClient.invalidateQueries({ queryKey: projectKeys.all }).
 */
export const projectKeys = {
  all: ['projects'],
  lists: () => [...projectKeys.all, 'list'],
  list: (filter: { archived?: boolean }) => [...projectKeys.lists(), filter],
  pages: (filter: { archived: boolean }) => [...projectKeys.lists(), 'pages', filter],
  detail: (projectId: string) => [...projectKeys.all, 'detail', projectId],
};

/** The caller's projects (first page; the API pages with `cursor`). */
export function useProjects(filter: { archived?: boolean } = {}) {
  return useQuery({
    queryKey: projectKeys.list(filter),
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/projects', { params: { query: { archived: filter.archived } }, signal })),
  });
}

/** Every page of the caller's active or archived projects, keyset-paged ("load more"). */
export function useProjectPages(filter: { archived: boolean }, pageSize = 25) {
  return useInfiniteQuery({
    queryKey: projectKeys.pages(filter),
    initialPageParam: '',
    queryFn: async ({ pageParam, signal }) =>
      unwrap(
        await api.GET('/api/v1/projects', {
          params: { query: { archived: filter.archived, limit: pageSize, cursor: pageParam || undefined } },
          signal,
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useProject(projectId: string) {
  return useQuery({
    queryKey: projectKeys.detail(projectId),
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/projects/{projectId}', { params: { path: { projectId } }, signal })),
  });
}

export function useCreateProject() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: CreateProjectRequest) => unwrap(await api.POST('/api/v1/projects', { body })),
    onSuccess: (project) => {
      queryClient.setQueryData(projectKeys.detail(project.id), project);
      return queryClient.invalidateQueries({ queryKey: projectKeys.lists() });
    },
  });
}

/** PATCH with If-Match from the version the user edited, so a concurrent change answers 412 instead of being lost. */
export function useUpdateProject(projectId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ version, ...body }: UpdateProjectRequest & { version: number }) =>
      unwrap(
        await api.PATCH('/api/v1/projects/{projectId}', {
          params: { path: { projectId }, header: { 'If-Match': ifMatch(version) } },
          body,
        }),
      ),
    onSuccess: (project) => {
      queryClient.setQueryData(projectKeys.detail(projectId), project);
      return queryClient.invalidateQueries({ queryKey: projectKeys.lists() });
    },
    // Someone else saved first: fetch their version so the form shows it.
    onError: (error) =>
      error instanceof ApiError && error.status === 412
        ? queryClient.invalidateQueries({ queryKey: projectKeys.detail(projectId) })
        : undefined,
  });
}

export function useArchiveProject(projectId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ version }: { version: number }) =>
      expectNoContent(
        await api.DELETE('/api/v1/projects/{projectId}', {
          params: { path: { projectId }, header: { 'If-Match': ifMatch(version) } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: projectKeys.all }),
  });
}

export function useRestoreProject(projectId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/api/v1/projects/{projectId}/restore', { params: { path: { projectId } } })),
    onSuccess: (project) => {
      queryClient.setQueryData(projectKeys.detail(projectId), project);
      return queryClient.invalidateQueries({ queryKey: projectKeys.lists() });
    },
  });
}
