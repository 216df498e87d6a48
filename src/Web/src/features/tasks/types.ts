import type { components, operations } from '../../api/schema';

type Schemas = components['schemas'];

export type Task = Schemas['TaskResponse'];
export type TaskStatus = Schemas['WorkStatus'];
export type TaskPriority = Schemas['WorkPriority'];
export type CreateTaskBody = Schemas['CreateTaskRequest'];
export type Comment = Schemas['CommentResponse'];
export type Member = Schemas['MemberResponse'];
export type AuditEntry = Schemas['AuditEntryResponse'];
export type TaskListQuery = NonNullable<operations['ListTasks']['parameters']['query']>;

/** The JSON merge patch of a task, as the document describes it: absent leaves a field alone, null clears it. */
export type TaskPatch = Schemas['UpdateTaskBody'];

/** The API's statuses in workflow order (the order of the `WorkStatus` enum in the document). */
export const STATUSES: readonly TaskStatus[] = ['backlog', 'todo', 'in_progress', 'in_review', 'done', 'cancelled'];
export const PRIORITIES: readonly TaskPriority[] = ['none', 'low', 'medium', 'high', 'urgent'];

const STATUS_LABELS: Record<TaskStatus, string> = {
  backlog: 'Backlog',
  todo: 'To do',
  in_progress: 'In progress',
  in_review: 'In review',
  done: 'Done',
  cancelled: 'Cancelled',
};

const PRIORITY_LABELS: Record<TaskPriority, string> = {
  none: 'No priority',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  urgent: 'Urgent',
};

export function statusLabel(status: TaskStatus): string {
  return STATUS_LABELS[status];
}

export function priorityLabel(priority: TaskPriority): string {
  return PRIORITY_LABELS[priority];
}

export function isStatus(value: unknown): value is TaskStatus {
  return typeof value === 'string' && STATUSES.some((s) => s === value);
}

export function isPriority(value: unknown): value is TaskPriority {
  return typeof value === 'string' && PRIORITIES.some((p) => p === value);
}

/** A sort of the list endpoint, as the document enumerates it. */
export type TaskSort = NonNullable<TaskListQuery['sort']>;

export const SORTS: readonly TaskSort[] = ['created', '-created', 'updated', '-updated', 'priority', '-priority', 'due', '-due'];

export function isSort(value: unknown): value is TaskSort {
  return typeof value === 'string' && SORTS.some((s) => s === value);
}

export function sortLabel(sort: string): string {
  const descending = sort.startsWith('-');
  const field = sort.replace(/^-/, '');
  const names: Record<string, string> = { created: 'Created', updated: 'Updated', priority: 'Priority', due: 'Due date' };
  return `${names[field] ?? field}, ${descending ? 'descending' : 'ascending'}`;
}
