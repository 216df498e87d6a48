import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { logout, refreshAccessToken, toAccessToken } from '../api/auth';
import { ApiError, unwrap } from '../api/problem';
import { accessTokenStore, type AccessToken } from '../api/tokens';
import { ADMIN_ROLE, SessionContext, type CurrentUser, type Session } from './context';

/** Refresh this long before the access token expires, so requests never carry a stale one. */
const REFRESH_AHEAD_MS = 60_000;

export async function signInWithPassword(email: string, password: string): Promise<AccessToken> {
  const body = unwrap(await api.POST('/api/v1/auth/login', { body: { email, password } }));
  const token = toAccessToken(body);
  if (!token) throw new ApiError({ status: 502, title: 'The sign-in answer had no usable access token' });
  accessTokenStore.set(token);
  return token;
}

async function fetchCurrentUser(): Promise<CurrentUser> {
  return unwrap(await api.GET('/api/v1/users/me'));
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<Session['status']>('loading');
  const [user, setUser] = useState<CurrentUser | null>(null);
  const [token, setToken] = useState<AccessToken | null>(accessTokenStore.get());

  // The token store is the source of truth: the API client may refresh or drop the token on a 401.
  useEffect(
    () =>
      accessTokenStore.subscribe((next) => {
        setToken(next);
        if (!next) {
          setUser(null);
          setStatus('signedOut');
          queryClient.clear();
        }
      }),
    [queryClient],
  );

  // On start (and after a reload) the refresh cookie, if any, restores the session.
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const restored = accessTokenStore.get() ?? (await refreshAccessToken());
      if (cancelled) return;
      if (!restored) {
        setStatus('signedOut');
        return;
      }
      try {
        const me = await fetchCurrentUser();
        if (!cancelled) {
          setUser(me);
          setStatus('signedIn');
        }
      } catch {
        if (!cancelled) setStatus('signedOut');
      }
    })();
    return () => {
      cancelled = true;
    };
  }, []);

  // Silent refresh shortly before the access token expires.
  useEffect(() => {
    if (!token) return;
    const delay = Math.max(token.expiresAt - Date.now() - REFRESH_AHEAD_MS, 5_000);
    const timer = window.setTimeout(() => void refreshAccessToken(), delay);
    return () => window.clearTimeout(timer);
  }, [token]);

  const signIn = useCallback(async (email: string, password: string) => {
    await signInWithPassword(email, password);
    const me = await fetchCurrentUser();
    setUser(me);
    setStatus('signedIn');
  }, []);

  const signOut = useCallback(async () => {
    await logout();
  }, []);

  const value = useMemo<Session>(
    () => ({ status, user, isAdmin: user?.roles.includes(ADMIN_ROLE) ?? false, signIn, signOut }),
    [status, user, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
