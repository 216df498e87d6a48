import type { components } from '../../api/schema';
import { isPriority, isStatus, priorityLabel, statusLabel, type AuditEntry } from './types';

type FieldChange = components['schemas']['FieldChange'];

/** `changes` is `{ field: { before, after } }`, or null for events that change no field. */
function changesOf(entry: AuditEntry): Map<string, FieldChange> {
  return new Map(Object.entries(entry.changes ?? {}));
}

function quote(value: unknown, max = 80): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `“${text.length > max ? `${text.slice(0, max - 1)}…` : text}”`;
}

function fieldSentence(field: string, before: unknown, after: unknown, nameOf: (id: string) => string): string {
  switch (field) {
    case 'title':
      return `renamed the task from ${quote(before)} to ${quote(after)}`;
    case 'description':
      return after === null ? 'removed the description' : 'updated the description';
    case 'status':
      return isStatus(before) && isStatus(after)
        ? `moved the task from ${statusLabel(before)} to ${statusLabel(after)}`
        : `set the status to ${isStatus(after) ? statusLabel(after) : String(after)}`;
    case 'priority':
      return `changed the priority ${isPriority(before) ? `from ${priorityLabel(before)} ` : ''}to ${isPriority(after) ? priorityLabel(after) : String(after)}`;
    case 'assigneeId':
      return typeof after === 'string' ? `assigned the task to ${nameOf(after)}` : 'unassigned the task';
    case 'labels':
      return Array.isArray(after) && after.length > 0 ? `set the labels to ${after.join(', ')}` : 'removed the labels';
    case 'dueDate':
      return typeof after === 'string' ? `set the due date to ${after}` : 'removed the due date';
    case 'parentId':
      return typeof after === 'string' ? 'set a parent task' : 'removed the parent task';
    default:
      return `changed ${field}`;
  }
}

/** A readable sentence per audited event: "Ada moved the task from To do to In progress". */
export function describeActivity(entry: AuditEntry, nameOf: (id: string) => string): string {
  const actor = entry.actorId ? nameOf(entry.actorId) : 'Someone';
  const changes = changesOf(entry);
  const body = changes.get('body');
  switch (entry.action) {
    case 'task.created':
      return `${actor} created the task`;
    case 'task.deleted':
      return `${actor} moved the task to the trash`;
    case 'task.restored':
      return `${actor} restored the task from the trash`;
    case 'comment.added':
      return `${actor} commented${body ? `: ${quote(body.after)}` : ''}`;
    case 'comment.edited':
      return `${actor} edited a comment`;
    case 'comment.deleted':
      return `${actor} deleted a comment`;
    case 'task.updated':
    case 'task.assigned':
    case 'task.status_changed': {
      const parts = [...changes].map(([field, change]) => fieldSentence(field, change.before, change.after, nameOf));
      return parts.length ? `${actor} ${parts.join(', ')}` : `${actor} updated the task`;
    }
    default:
      return `${actor}: ${entry.action}`;
  }
}
