import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { logout, refreshAccessToken, toAccessToken } from '../api/auth';
import { ApiError, unwrap } from '../api/problem';
import { accessTokenStore, type AccessToken } from '../api/tokens';
import { ADMIN_ROLE, SessionContext, type CurrentUser, type Session } from './context';

const SESSION_CHANNEL = 'orbit.session';

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
  const [ended, setEnded] = useState(false);
  // Read inside the store listener: was the user signed in, and did they ask to leave?
  const statusNow = useRef(status);
  const signingOut = useRef(false);
  useEffect(() => {
    statusNow.current = status;
  }, [status]);

  // The token store is the source of truth: the API client may refresh or drop the token on a 401. A drop the
  // user did not ask for (refresh refused: disabled, revoked, expired) is remembered so sign-in can say so.
  useEffect(
    () =>
      accessTokenStore.subscribe((next) => {
        setToken(next);
        if (!next) {
          setEnded(statusNow.current === 'signedIn' && !signingOut.current);
          setUser(null);
          setStatus('signedOut');
          // Nothing of the previous user's data survives: cached queries go with the session.
          queryClient.clear();
        }
      }),
    [queryClient],
  );

  // Signing out in one tab signs out every tab of this browser (they share the refresh cookie).
  useEffect(() => {
    if (typeof BroadcastChannel === 'undefined') return;
    const channel = new BroadcastChannel(SESSION_CHANNEL);
    channel.onmessage = (event: MessageEvent<unknown>) => {
      if (event.data === 'signed-out' && accessTokenStore.get()) {
        signingOut.current = true;
        accessTokenStore.set(null);
        signingOut.current = false;
      }
    };
    return () => channel.close();
  }, []);

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
    setEnded(false);
    setUser(me);
    setStatus('signedIn');
  }, []);

  const signOut = useCallback(async () => {
    signingOut.current = true;
    try {
      await logout();
    } finally {
      signingOut.current = false;
      if (typeof BroadcastChannel !== 'undefined') {
        const channel = new BroadcastChannel(SESSION_CHANNEL);
        channel.postMessage('signed-out');
        channel.close();
      }
    }
  }, []);

  const value = useMemo<Session>(
    () => ({ status, user, isAdmin: user?.roles.includes(ADMIN_ROLE) ?? false, ended, signIn, signOut }),
    [status, user, ended, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
