import { describe, expect, it } from 'vitest';
import { http } from 'msw';
import { api } from './client';
import { accessTokenStore } from './tokens';
import { unwrap } from './problem';
import { server } from '../test/server';
import { apiJson, problemResponse } from '../test/http';
import { aTokenResponse, aUser } from '../test/fixtures';

function signedInWith(token: string) {
  accessTokenStore.set({ value: token, expiresAt: Date.now() + 60_000 });
}

describe('the API client', () => {
  it('sends the access token and the web client header', async () => {
    signedInWith('token-1');
    let seen: Headers | undefined;
    server.use(
      apiJson('get', '/api/v1/users/me', 200, ({ request }) => {
        seen = request.headers;
        return aUser();
      }),
    );

    unwrap(await api.GET('/api/v1/users/me'));

    expect(seen?.get('Authorization')).toBe('Bearer token-1');
    expect(seen?.get('X-Orbit-Client')).toBe('web');
  });

  it('answers two concurrent 401s with one refresh, then retries both with the new token', async () => {
    signedInWith('expired');
    let refreshes = 0;
    server.use(
      http.post('/api/v1/auth/refresh', async () => {
        refreshes++;
        await new Promise((resolve) => setTimeout(resolve, 20));
        return new Response(JSON.stringify(aTokenResponse('fresh')), { headers: { 'Content-Type': 'application/json' } });
      }),
      http.get('/api/v1/users/me', ({ request }) =>
        request.headers.get('Authorization') === 'Bearer fresh'
          ? new Response(JSON.stringify(aUser()), { headers: { 'Content-Type': 'application/json' } })
          : problemResponse({ status: 401, title: 'Unauthorized' }),
      ),
    );

    const [first, second] = await Promise.all([api.GET('/api/v1/users/me'), api.GET('/api/v1/users/me')]);

    expect(refreshes).toBe(1);
    expect(unwrap(first).email).toBe('ada@example.test');
    expect(unwrap(second).email).toBe('ada@example.test');
    expect(accessTokenStore.get()?.value).toBe('fresh');
  });

  it('retries a request with a body after the refresh', async () => {
    signedInWith('expired');
    const bodies: unknown[] = [];
    server.use(
      http.post('/api/v1/auth/refresh', () =>
        new Response(JSON.stringify(aTokenResponse('fresh')), { headers: { 'Content-Type': 'application/json' } }),
      ),
      http.post('/api/v1/projects', async ({ request }) => {
        bodies.push(await request.json());
        if (request.headers.get('Authorization') !== 'Bearer fresh') return problemResponse({ status: 401 });
        return problemResponse({ status: 409, code: 'projects.key_taken' });
      }),
    );

    const result = await api.POST('/api/v1/projects', { body: { key: 'ORB', name: 'Orbit', description: null } });

    expect(result.response.status).toBe(409);
    expect(bodies).toEqual([
      { key: 'ORB', name: 'Orbit', description: null },
      { key: 'ORB', name: 'Orbit', description: null },
    ]);
  });

  it('signs the session out when the refresh is refused', async () => {
    signedInWith('expired');
    server.use(
      http.post('/api/v1/auth/refresh', () => problemResponse({ status: 401 })),
      http.get('/api/v1/users/me', () => problemResponse({ status: 401 })),
    );

    const result = await api.GET('/api/v1/users/me');

    expect(result.response.status).toBe(401);
    expect(accessTokenStore.get()).toBeNull();
  });
});
