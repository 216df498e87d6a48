import type { TaskListFilter } from './filters';

/**
 * Query keys of the tasks feature, from general to specific so one invalidation can hit a whole branch. Everything
 * about one project's tasks sits under `['tasks', 'project', projectId]` so the live feed can refresh it at once.
 */
export const taskKeys = {
  all: ['tasks'],
  project: (projectId: string) => [...taskKeys.all, 'project', projectId],
  board: (projectId: string) => [...taskKeys.project(projectId), 'board'],
  lists: (projectId: string) => [...taskKeys.project(projectId), 'list'],
  list: (projectId: string, filter: TaskListFilter) => [...taskKeys.lists(projectId), filter],
  trash: (projectId: string) => [...taskKeys.project(projectId), 'trash'],
  subtasks: (projectId: string, parentId: string) => [...taskKeys.project(projectId), 'subtasks', parentId],
  details: () => [...taskKeys.all, 'detail'],
  detail: (key: string) => [...taskKeys.details(), key],
  comments: (key: string) => [...taskKeys.all, 'comments', key],
  activity: (key: string) => [...taskKeys.all, 'activity', key],
};
