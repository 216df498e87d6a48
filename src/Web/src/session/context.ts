import { createContext, useContext } from 'react';
import type { components } from '../api/schema';

export type CurrentUser = components['schemas']['UserResponse'];

export interface Session {
  /** `loading` until the start-up refresh has answered. */
  status: 'loading' | 'signedIn' | 'signedOut';
  user: CurrentUser | null;
  isAdmin: boolean;
  /** True when a signed-in session was ended by the server (refresh refused, e.g. the user was disabled), not by signing out. */
  ended?: boolean;
  /** Throws ApiError (e.g. 400 with field errors, 401 for bad credentials). */
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession needs a <SessionProvider> above it');
  return session;
}

export const ADMIN_ROLE = 'admin';
