// Test builders and MSW handlers of the tasks feature (kept here, not in the shared test folder, so features merge
// without conflicts). Only tests import this file.
import type { components } from '../../api/schema';
import { aProject } from '../../test/fixtures';

type Schemas = components['schemas'];

export const PROJECT_ID = aProject().id;
export const ADA = '00000000-0000-4000-8000-000000000001';
export const BOB = '00000000-0000-4000-8000-000000000002';

let sequence = 0;

export function aTask(overrides: Partial<Schemas['TaskResponse']> = {}): Schemas['TaskResponse'] {
  sequence += 1;
  const number = overrides.key?.split('-')[1] ?? String(sequence);
  return {
    id: `00000000-0000-4000-9000-${number.padStart(12, '0')}`,
    key: `ORB-${number}`,
    projectId: PROJECT_ID,
    title: `Task ${number}`,
    description: null,
    status: 'todo',
    priority: 'none',
    assigneeId: null,
    labels: [],
    dueDate: null,
    parentId: null,
    createdBy: ADA,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    completedAt: null,
    version: 1,
    ...overrides,
  };
}

export function aMember(overrides: Partial<Schemas['MemberResponse']> = {}): Schemas['MemberResponse'] {
  return { userId: ADA, displayName: 'Ada Lovelace', email: 'ada@example.test', role: 'owner', addedAt: '2026-01-01T00:00:00Z', ...overrides };
}

export function aComment(overrides: Partial<Schemas['CommentResponse']> = {}): Schemas['CommentResponse'] {
  return {
    id: '00000000-0000-4000-a000-000000000001',
    taskId: aTask({ key: 'ORB-1' }).id,
    authorId: ADA,
    body: 'Looks good',
    createdAt: '2026-01-02T10:00:00Z',
    updatedAt: '2026-01-02T10:00:00Z',
    version: 1,
    ...overrides,
  };
}

export function anAuditEntry(overrides: Partial<Schemas['AuditEntryResponse']> = {}): Schemas['AuditEntryResponse'] {
  return {
    id: 1,
    action: 'task.created',
    actorId: ADA,
    entityType: 'task',
    entityId: aTask({ key: 'ORB-1' }).id,
    taskKey: 'ORB-1',
    projectId: PROJECT_ID,
    changes: null,
    occurredAt: '2026-01-02T10:00:00Z',
    traceId: null,
    ...overrides,
  };
}
