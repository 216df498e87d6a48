import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { accessTokenStore } from './tokens';
import { CLIENT_HEADER, refreshAccessToken } from './auth';

// A copy of each request taken before it is sent, so a 401 can be retried with its body intact.
const replayable = new WeakMap<Request, Request>();

const AUTH_PATHS = ['/api/v1/auth/login', '/api/v1/auth/refresh', '/api/v1/auth/logout', '/api/v1/auth/register'];

const sessionMiddleware: Middleware = {
  onRequest({ request }) {
    request.headers.set('X-Orbit-Client', CLIENT_HEADER['X-Orbit-Client']);
    const token = accessTokenStore.get();
    if (token) request.headers.set('Authorization', `Bearer ${token.value}`);
    if (!isAuthCall(request)) replayable.set(request, request.clone());
    return request;
  },
  async onResponse({ request, response }) {
    if (response.status !== 401 || isAuthCall(request)) return response;
    const copy = replayable.get(request);
    if (!copy) return response;
    // Only one refresh for any number of concurrent 401s; a failed refresh has already signed the session out.
    const token = await refreshAccessToken();
    if (!token) return response;
    copy.headers.set('Authorization', `Bearer ${token.value}`);
    return fetch(copy);
  },
};

function isAuthCall(request: Request): boolean {
  const path = new URL(request.url).pathname;
  return AUTH_PATHS.includes(path);
}

/** The one typed API client. Paths, bodies and responses come from schema.d.ts (`npm run generate:api`). */
export const api = createClient<paths>({
  // Same origin, spelled absolute: identical to '' in the browser, and Node's fetch (unit tests) needs it.
  baseUrl: window.location.origin,
  credentials: 'same-origin',
  // Resolve fetch at call time so test doubles installed after import (MSW) are used.
  fetch: (request) => globalThis.fetch(request),
});
api.use(sessionMiddleware);
