import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';

/**
 * Query keys for the projects feature, from general to specific, so one invalidation can hit a whole branch:
 * queryClient.invalidateQueries({ queryKey: projectKeys.all }).
 */
export const projectKeys = {
  all: ['projects'],
  lists: () => [...projectKeys.all, 'list'],
  list: (filter: { archived?: boolean }) => [...projectKeys.lists(), filter],
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

export function useProject(projectId: string) {
  return useQuery({
    queryKey: projectKeys.detail(projectId),
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/projects/{projectId}', { params: { path: { projectId } }, signal })),
  });
}
