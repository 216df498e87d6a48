import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClientProvider } from '@tanstack/react-query';
import { http } from 'msw';
import { SessionProvider } from './SessionProvider';
import { useSession } from './context';
import { api } from '../api/client';
import { server } from '../test/server';
import { apiJson, problemResponse } from '../test/http';
import { aTokenResponse, aUser } from '../test/fixtures';
import { renderApp, testQueryClient } from '../test/render';

function Who() {
  const session = useSession();
  return (
    <>
      <p>{session.status === 'signedIn' ? `Hello ${session.user?.displayName}` : `${session.status}${session.ended ? ' (ended)' : ''}`}</p>
      <button type="button" onClick={() => void api.GET('/api/v1/users/me')}>
        Call the API
      </button>
      <button type="button" onClick={() => void session.signOut()}>
        Sign out
      </button>
    </>
  );
}

function renderSession() {
  const queryClient = testQueryClient();
  queryClient.setQueryData(['projects', 'secret'], 'previous user data');
  render(
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <Who />
      </SessionProvider>
    </QueryClientProvider>,
  );
  return queryClient;
}

function signedInButRefusedLater() {
  let refreshes = 0;
  let disabled = false;
  server.use(
    http.post('/api/v1/auth/refresh', () => {
      refreshes += 1;
      return refreshes === 1
        ? new Response(JSON.stringify(aTokenResponse('first')), { headers: { 'Content-Type': 'application/json' } })
        : problemResponse({ status: 401, code: 'auth.invalid_refresh_token' });
    }),
    http.get('/api/v1/users/me', () =>
      disabled ? problemResponse({ status: 401 }) : new Response(JSON.stringify(aUser()), { headers: { 'Content-Type': 'application/json' } }),
    ),
    http.post('/api/v1/auth/logout', () => new Response(null, { status: 204 })),
  );
  return {
    disable: () => {
      disabled = true;
    },
  };
}

describe('the end of a session', () => {
  it('is marked as ended, with the cache cleared, when the server refuses the refresh (e.g. the user was disabled)', async () => {
    const account = signedInButRefusedLater();
    const queryClient = renderSession();
    expect(await screen.findByText('Hello Ada Lovelace')).toBeInTheDocument();

    account.disable();
    await userEvent.click(screen.getByRole('button', { name: 'Call the API' }));

    expect(await screen.findByText('signedOut (ended)')).toBeInTheDocument();
    expect(queryClient.getQueryData(['projects', 'secret'])).toBeUndefined();
  });

  it('is not "ended" when the user signs out, and nothing of theirs stays cached', async () => {
    signedInButRefusedLater();
    const queryClient = renderSession();
    expect(await screen.findByText('Hello Ada Lovelace')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Sign out' }));

    expect(await screen.findByText('signedOut')).toBeInTheDocument();
    expect(queryClient.getQueryData(['projects', 'secret'])).toBeUndefined();
  });

  it('sends the app to sign-in with "Your session ended — sign in again"', async () => {
    server.use(apiJson('post', '/api/v1/auth/login', 200, () => aTokenResponse()));
    const { router } = renderApp('/projects', { user: null, session: { ended: true } });

    expect(await screen.findByRole('alert')).toHaveTextContent('Your session ended — sign in again.');
    expect(router.state.location.pathname).toBe('/sign-in');
    expect(router.state.location.search).toBe('?next=%2Fprojects&reason=ended');
  });
});
