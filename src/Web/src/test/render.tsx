import type { ReactElement, ReactNode } from 'react';
import { render, type RenderResult } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createMemoryRouter, MemoryRouter, RouterProvider } from 'react-router';
import { SessionContext, ADMIN_ROLE, type CurrentUser, type Session } from '../session/context';
import { signInWithPassword } from '../session/SessionProvider';
import { ThemeProvider } from '../ui/theme';
import { ToastProvider } from '../ui/toast';
import { routes } from '../routes';
import { aUser } from './fixtures';

export interface ProviderOptions {
  /** The signed-in user; `null` renders signed out. Defaults to a plain (non-admin) user. */
  user?: CurrentUser | null;
  /** Replace parts of the fake session, e.g. a spy for signOut. */
  session?: Partial<Session>;
  queryClient?: QueryClient;
}

export function testQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } } });
}

/** A session without the start-up refresh: signIn really calls the API (MSW), signOut does nothing. */
export function fakeSession(user: CurrentUser | null, overrides: Partial<Session> = {}): Session {
  return {
    status: user ? 'signedIn' : 'signedOut',
    user,
    isAdmin: user?.roles.includes(ADMIN_ROLE) ?? false,
    signIn: async (email, password) => {
      await signInWithPassword(email, password);
    },
    signOut: async () => undefined,
    ...overrides,
  };
}

function Providers({ options, children }: { options: ProviderOptions; children: ReactNode }) {
  const user = options.user === undefined ? aUser() : options.user;
  return (
    <QueryClientProvider client={options.queryClient ?? testQueryClient()}>
      <SessionContext.Provider value={fakeSession(user, options.session)}>
        <ThemeProvider>
          <ToastProvider>{children}</ToastProvider>
        </ThemeProvider>
      </SessionContext.Provider>
    </QueryClientProvider>
  );
}

/** Renders one component (a page, a molecule) inside the app's providers and a MemoryRouter at `route`. */
export function renderWithProviders(ui: ReactElement, options: ProviderOptions & { route?: string } = {}): RenderResult {
  return render(
    <Providers options={options}>
      <MemoryRouter initialEntries={[options.route ?? '/']}>{ui}</MemoryRouter>
    </Providers>,
  );
}

/** Renders the real route table (guards, layouts, lazy pages) at `path`; returns the router to inspect location. */
export function renderApp(path: string, options: ProviderOptions = {}) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const result = render(
    <Providers options={options}>
      <RouterProvider router={router} />
    </Providers>,
  );
  return { ...result, router };
}
