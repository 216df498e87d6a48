import type { components } from '../api/schema';

// Builders for the workspace screens (members, notifications, tokens, webhooks, admin). Kept apart from
// fixtures.ts so the task screens' builders and these never collide.

type Schemas = components['schemas'];

export const ME = '00000000-0000-4000-8000-000000000001';
export const PROJECT = '00000000-0000-4000-8000-0000000000a1';

export function aMember(overrides: Partial<Schemas['MemberResponse']> = {}): Schemas['MemberResponse'] {
  return {
    userId: ME,
    displayName: 'Ada Lovelace',
    email: 'ada@example.test',
    role: 'owner',
    addedAt: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

export function aNotification(overrides: Partial<Schemas['NotificationResponse']> = {}): Schemas['NotificationResponse'] {
  return {
    id: '00000000-0000-4000-8000-0000000000n1',
    kind: 'mentioned',
    projectId: PROJECT,
    taskId: '00000000-0000-4000-8000-0000000000t1',
    taskKey: 'ORB-7',
    actorId: '00000000-0000-4000-8000-000000000002',
    summary: 'Grace mentioned you on ORB-7',
    createdAt: '2026-01-02T10:00:00Z',
    readAt: null,
    ...overrides,
  };
}

export function aToken(overrides: Partial<Schemas['PersonalAccessTokenResponse']> = {}): Schemas['PersonalAccessTokenResponse'] {
  return {
    id: '00000000-0000-4000-8000-0000000000k1',
    name: 'CI',
    createdAt: '2026-01-01T00:00:00Z',
    expiresAt: '2027-01-01T00:00:00Z',
    revokedAt: null,
    scope: 'read',
    ...overrides,
  };
}

export function aWebhook(overrides: Partial<Schemas['WebhookResponse']> = {}): Schemas['WebhookResponse'] {
  return {
    id: '00000000-0000-4000-8000-0000000000w1',
    projectId: PROJECT,
    url: 'https://hooks.example.test/orbit',
    events: ['*'],
    createdBy: ME,
    createdAt: '2026-01-01T00:00:00Z',
    disabledAt: null,
    failingSince: null,
    ...overrides,
  };
}

type DeliveryFields = Omit<Schemas['DeliveryResponse'], 'eventType' | 'data'>;

/** A delivered project.updated event (the document types each delivery's data by its event type). */
export function aDelivery(overrides: Partial<DeliveryFields> = {}): Schemas['DeliveryResponse'] {
  return {
    id: '00000000-0000-4000-8000-0000000000d1',
    webhookId: '00000000-0000-4000-8000-0000000000w1',
    eventId: '00000000-0000-4000-8000-0000000000e1',
    status: 'succeeded',
    nextAttemptAt: null,
    lastStatusCode: 200,
    lastDurationMs: 42,
    lastError: null,
    createdAt: '2026-01-02T10:00:00Z',
    deliveredAt: '2026-01-02T10:00:01Z',
    attempts: [{ attempt: 1, at: '2026-01-02T10:00:01Z', statusCode: 200, durationMs: 42, error: null }],
    ...overrides,
    eventType: 'project.updated',
    data: {
      eventId: '00000000-0000-4000-8000-0000000000e1',
      occurredAt: '2026-01-02T10:00:00Z',
      actorId: ME,
      projectId: PROJECT,
      aggregateId: PROJECT,
      changes: { name: { before: 'Old', after: 'New' } },
    },
  };
}

export function anAdminUser(overrides: Partial<Schemas['AdminUserResponse']> = {}): Schemas['AdminUserResponse'] {
  return {
    id: '00000000-0000-4000-8000-000000000002',
    email: 'grace@example.test',
    displayName: 'Grace Hopper',
    roles: [],
    isDisabled: false,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    version: 1,
    ...overrides,
  };
}

export function anAuditEntry(overrides: Partial<Schemas['AuditEntryResponse']> = {}): Schemas['AuditEntryResponse'] {
  return {
    id: 41,
    action: 'task.updated',
    actorId: ME,
    entityType: 'task',
    entityId: '00000000-0000-4000-8000-0000000000t1',
    taskKey: 'ORB-7',
    projectId: PROJECT,
    changes: { title: { before: 'Old', after: 'New' } },
    occurredAt: '2026-01-02T10:00:00Z',
    traceId: null,
    ...overrides,
  };
}
