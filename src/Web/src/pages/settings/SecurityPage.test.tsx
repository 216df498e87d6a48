import { describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SecurityPage } from './SecurityPage';
import { server } from '../../test/server';
import { apiJson, apiProblem } from '../../test/http';
import { apiNoContent } from '../../test/apiNoContent';
import { renderWithProviders } from '../../test/render';
import { aTokenResponse } from '../../test/fixtures';
import { accessTokenStore } from '../../api/tokens';

describe('SecurityPage', () => {
  it('changes the password and goes on with the new access token', async () => {
    let sent: unknown;
    server.use(
      apiJson('post', '/api/v1/users/me/password', 200, async ({ request }) => {
        sent = await request.json();
        return aTokenResponse('after-change');
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<SecurityPage />);

    await user.type(screen.getByLabelText('Current password'), 'old passphrase here');
    await user.type(screen.getByLabelText('New password'), 'a brand new passphrase');
    await user.click(screen.getByRole('checkbox', { name: /revoke my personal access tokens/ }));
    await user.click(screen.getByRole('button', { name: 'Change password' }));

    expect(await screen.findByText(/other sessions are signed out/)).toBeInTheDocument();
    expect(sent).toEqual({ currentPassword: 'old passphrase here', newPassword: 'a brand new passphrase', revokePersonalAccessTokens: true });
    expect(accessTokenStore.get()?.value).toBe('after-change');
  });

  it('shows a refused new password beside its field', async () => {
    server.use(
      apiProblem('post', '/api/v1/users/me/password', {
        status: 400,
        title: 'One or more fields are invalid.',
        errors: { newPassword: ['newPassword is one of the most common passwords found in data breaches; choose another.'] },
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<SecurityPage />);

    await user.type(screen.getByLabelText('Current password'), 'old passphrase here');
    await user.type(screen.getByLabelText('New password'), 'password1234');
    await user.click(screen.getByRole('button', { name: 'Change password' }));

    expect(await screen.findByText(/most common passwords/)).toBeInTheDocument();
  });

  it('signs out everywhere after confirming, then signs out here', async () => {
    let called = false;
    server.use(
      apiNoContent('post', '/api/v1/auth/logout-all', () => {
        called = true;
      }),
    );
    const signOut = vi.fn(async () => undefined);
    const user = userEvent.setup();
    renderWithProviders(<SecurityPage />, { session: { signOut } });

    await user.click(screen.getByRole('button', { name: 'Sign out everywhere' }));
    await user.click(screen.getAllByRole('button', { name: 'Sign out everywhere' }).at(-1)!);

    await vi.waitFor(() => expect(signOut).toHaveBeenCalled());
    expect(called).toBe(true);
  });
});
