import type { components } from '../api/schema';

type Schemas = components['schemas'];

/** Test data builders: sensible defaults, override what the test is about. */
export function aUser(overrides: Partial<Schemas['UserResponse']> = {}): Schemas['UserResponse'] {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    email: 'ada@example.test',
    displayName: 'Ada Lovelace',
    roles: [],
    createdAt: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

export function aProject(overrides: Partial<Schemas['ProjectResponse']> = {}): Schemas['ProjectResponse'] {
  return {
    id: '00000000-0000-4000-8000-0000000000a1',
    key: 'ORB',
    name: 'Orbit',
    description: null,
    createdBy: '00000000-0000-4000-8000-000000000001',
    createdAt: '2026-01-01T00:00:00Z',
    updatedBy: '00000000-0000-4000-8000-000000000001',
    updatedAt: '2026-01-01T00:00:00Z',
    archivedAt: null,
    archivedBy: null,
    version: 1,
    ...overrides,
  };
}

export function aTokenResponse(accessToken = 'access-token', expiresIn = 900) {
  return { accessToken, tokenType: 'Bearer', expiresIn, refreshToken: 'unused-by-the-web-app' };
}
