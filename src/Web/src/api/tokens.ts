// The access token lives in memory only (never storage): a reload restores the session through the
// HttpOnly refresh cookie. Session and API client share this one store.

export interface AccessToken {
  value: string;
  /** Epoch milliseconds when the server stops accepting it. */
  expiresAt: number;
}

type Listener = (token: AccessToken | null) => void;

let current: AccessToken | null = null;
const listeners = new Set<Listener>();

export const accessTokenStore = {
  get(): AccessToken | null {
    return current;
  },
  set(token: AccessToken | null): void {
    current = token;
    for (const listener of listeners) listener(token);
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
