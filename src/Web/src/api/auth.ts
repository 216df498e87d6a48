// Cookie-based browser session calls (BRIEF: X-Orbit-Client: web, refresh token only in the HttpOnly cookie).
// refresh/logout use plain fetch, not the typed client: the client's 401 middleware calls refresh, and a refresh
// that went through that middleware could recurse into itself.
import { accessTokenStore, type AccessToken } from './tokens';
import { isRecord } from './problem';

export const CLIENT_HEADER = { 'X-Orbit-Client': 'web' };

/** Turns a TokenResponse body (read from a plain fetch, so unverified) into the in-memory token. */
export function toAccessToken(body: unknown, now: number = Date.now()): AccessToken | null {
  if (!isRecord(body) || typeof body.accessToken !== 'string') return null;
  const expiresIn = Number(body.expiresIn);
  if (!Number.isFinite(expiresIn) || expiresIn <= 0) return null;
  return { value: body.accessToken, expiresAt: now + expiresIn * 1000 };
}

let refreshing: Promise<AccessToken | null> | null = null;

/**
 * Single-flight refresh: concurrent callers share one POST /auth/refresh. Resolves to the new token, or null
 * (and signs the session out) when the cookie is missing, expired or reused.
 */
export function refreshAccessToken(): Promise<AccessToken | null> {
  refreshing ??= (async () => {
    try {
      const response = await acrossTabs(() => fetch(`${window.location.origin}/api/v1/auth/refresh`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', ...CLIENT_HEADER },
        body: '{}',
      }));
      const token = response.ok ? toAccessToken(await response.json()) : null;
      accessTokenStore.set(token);
      return token;
    } catch {
      // Network failure: keep nothing we cannot vouch for.
      accessTokenStore.set(null);
      return null;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/**
 * The refresh cookie rotates on every use and a reused one revokes the whole sign-in, so two tabs must never
 * refresh at the same moment with the same cookie. A Web Lock serialises refreshes across tabs; the one that
 * waited sends the cookie its predecessor just rotated in.
 */
async function acrossTabs<T>(work: () => Promise<T>): Promise<T> {
  if (typeof navigator === 'undefined' || !navigator.locks) return work();
  return await navigator.locks.request('orbit.auth.refresh', work);
}

/** Revokes the cookie's refresh token; the local session ends whatever the server says. */
export async function logout(): Promise<void> {
  try {
    await fetch(`${window.location.origin}/api/v1/auth/logout`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', ...CLIENT_HEADER },
      body: '{}',
    });
  } finally {
    accessTokenStore.set(null);
  }
}
