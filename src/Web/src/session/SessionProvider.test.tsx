import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { QueryClientProvider } from '@tanstack/react-query';
import { http } from 'msw';
import { SessionProvider } from './SessionProvider';
import { useSession } from './context';
import { server } from '../test/server';
import { apiJson, problemResponse } from '../test/http';
import { aTokenResponse, aUser } from '../test/fixtures';
import { testQueryClient } from '../test/render';

function Who() {
  const session = useSession();
  return <p>{session.status === 'signedIn' ? `Hello ${session.user?.displayName}` : session.status}</p>;
}

function renderSession() {
  render(
    <QueryClientProvider client={testQueryClient()}>
      <SessionProvider>
        <Who />
      </SessionProvider>
    </QueryClientProvider>,
  );
}

describe('SessionProvider', () => {
  it('restores the session from the refresh cookie on start', async () => {
    server.use(
      http.post('/api/v1/auth/refresh', () =>
        new Response(JSON.stringify(aTokenResponse('restored')), { headers: { 'Content-Type': 'application/json' } }),
      ),
      apiJson('get', '/api/v1/users/me', 200, ({ request }) =>
        aUser({ displayName: request.headers.get('Authorization') === 'Bearer restored' ? 'Ada' : 'wrong token' }),
      ),
    );
    renderSession();

    expect(await screen.findByText('Hello Ada')).toBeInTheDocument();
  });

  it('is signed out when there is no valid cookie', async () => {
    server.use(http.post('/api/v1/auth/refresh', () => problemResponse({ status: 401 })));
    renderSession();

    expect(await screen.findByText('signedOut')).toBeInTheDocument();
  });
});
