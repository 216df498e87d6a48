import { isPriority, isSort, isStatus, type TaskListQuery, type TaskPriority, type TaskSort, type TaskStatus } from './types';

/** The list's filters, sort and search as the URL keeps them (`?status=todo,done&assignee=none&q=…`). */
export interface TaskListFilter {
  status: TaskStatus[];
  priority: TaskPriority[];
  /** A user id, `me` or `none`; empty for anyone. */
  assignee: string;
  label: string;
  q: string;
  /** YYYY-MM-DD */
  dueBefore: string;
  /** YYYY-MM-DD (start of that day, UTC) */
  updatedSince: string;
  sort: TaskSort;
}

export const DEFAULT_SORT: TaskSort = '-updated';

export function readFilter(params: URLSearchParams): TaskListFilter {
  const list = (name: string) =>
    (params.get(name) ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  const sort = params.get('sort');
  return {
    status: list('status').filter(isStatus),
    priority: list('priority').filter(isPriority),
    assignee: params.get('assignee') ?? '',
    label: params.get('label') ?? '',
    q: params.get('q') ?? '',
    dueBefore: params.get('dueBefore') ?? '',
    updatedSince: params.get('updatedSince') ?? '',
    sort: isSort(sort) ? sort : DEFAULT_SORT,
  };
}

/** Only what differs from the defaults goes into the URL, so a plain list has a plain address. */
export function writeFilter(filter: TaskListFilter): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.status.length) params.set('status', filter.status.join(','));
  if (filter.priority.length) params.set('priority', filter.priority.join(','));
  if (filter.assignee) params.set('assignee', filter.assignee);
  if (filter.label) params.set('label', filter.label);
  if (filter.q) params.set('q', filter.q);
  if (filter.dueBefore) params.set('dueBefore', filter.dueBefore);
  if (filter.updatedSince) params.set('updatedSince', filter.updatedSince);
  if (filter.sort !== DEFAULT_SORT) params.set('sort', filter.sort);
  return params;
}

/** The API query for a filter (empty values left out). */
export function toQuery(filter: TaskListFilter): TaskListQuery {
  const query: TaskListQuery = { sort: filter.sort };
  if (filter.status.length) query.status = filter.status.join(',');
  if (filter.priority.length) query.priority = filter.priority.join(',');
  if (filter.assignee) query.assigneeId = filter.assignee;
  if (filter.label) query.label = filter.label;
  if (filter.q) query.q = filter.q;
  if (filter.dueBefore) query.dueBefore = filter.dueBefore;
  if (filter.updatedSince) query.updatedSince = `${filter.updatedSince}T00:00:00Z`;
  return query;
}

export function isFiltered(filter: TaskListFilter): boolean {
  return writeFilter({ ...filter, sort: DEFAULT_SORT }).toString() !== '';
}
