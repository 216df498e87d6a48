import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TokensPage } from './TokensPage';
import { server } from '../../test/server';
import { apiJson, apiProblem } from '../../test/http';
import { renderWithProviders } from '../../test/render';
import { apiNoContent } from '../../test/apiNoContent';
import { aToken } from '../../test/workspaceFixtures';

describe('TokensPage', () => {
  afterEach(() => vi.restoreAllMocks());

  it('creates a token and shows its secret once, with a copy button', async () => {
    const tokens = [aToken()];
    let sent: unknown;
    server.use(
      apiJson('get', '/api/v1/users/me/tokens', 200, () => ({ items: tokens, nextCursor: null })),
      apiJson('post', '/api/v1/users/me/tokens', 201, async ({ request }) => {
        sent = await request.json();
        tokens.push(aToken({ id: 'k2', name: 'Deploy' }));
        return { id: 'k2', name: 'Deploy', createdAt: '2026-01-02T00:00:00Z', expiresAt: '2027-01-02T00:00:00Z', scope: 'read' as const, token: 'orbit_pat_secret123' };
      }),
    );
    const user = userEvent.setup();
    const writeText = vi.spyOn(navigator.clipboard, 'writeText');
    renderWithProviders(<TokensPage />);

    expect(await screen.findByRole('cell', { name: 'CI' })).toBeInTheDocument();
    await user.type(screen.getByLabelText('Name'), 'Deploy');
    await user.click(screen.getByRole('button', { name: 'Create token' }));

    const secret = await screen.findByLabelText('Token Deploy');
    expect(secret).toHaveValue('orbit_pat_secret123');
    expect(secret).toHaveAccessibleDescription(/only this once/);
    expect(sent).toEqual({ name: 'Deploy', expiresAt: null, scope: 'read' });
    expect(await screen.findByRole('cell', { name: 'Deploy' })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Copy' }));
    expect(writeText).toHaveBeenCalledWith('orbit_pat_secret123');
    expect(await screen.findByText('Copied to the clipboard.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Done, I have copied it' }));
    expect(screen.queryByDisplayValue('orbit_pat_secret123')).not.toBeInTheDocument();
  });

  it('selects the secret when the clipboard is refused', async () => {
    server.use(
      apiJson('get', '/api/v1/users/me/tokens', 200, () => ({ items: [], nextCursor: null })),
      apiJson('post', '/api/v1/users/me/tokens', 201, () => ({
        id: 'k2',
        name: 'Deploy',
        createdAt: '2026-01-02T00:00:00Z',
        expiresAt: '2027-01-02T00:00:00Z',
        scope: 'read' as const,
        token: 'orbit_pat_secret123',
      })),
    );
    const user = userEvent.setup();
    vi.spyOn(navigator.clipboard, 'writeText').mockRejectedValue(new Error('denied'));
    renderWithProviders(<TokensPage />);

    await user.type(await screen.findByLabelText('Name'), 'Deploy');
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    await user.click(await screen.findByRole('button', { name: 'Copy' }));

    expect(await screen.findByText(/Selected: press Ctrl\+C/)).toBeInTheDocument();
    expect(screen.getByLabelText('Token Deploy')).toHaveFocus();
  });

  it('shows a field error from the problem document', async () => {
    server.use(
      apiJson('get', '/api/v1/users/me/tokens', 200, () => ({ items: [], nextCursor: null })),
      apiProblem('post', '/api/v1/users/me/tokens', { status: 400, errors: { Name: ["'Name' must not be empty."] } }),
    );
    renderWithProviders(<TokensPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Create token' }));

    expect(await screen.findByText("'Name' must not be empty.")).toBeInTheDocument();
    expect(screen.getByLabelText('Name')).toHaveAttribute('aria-invalid', 'true');
  });

  it('revokes a token after confirmation', async () => {
    let revoked = false;
    server.use(
      apiJson('get', '/api/v1/users/me/tokens', 200, () => ({
        items: [aToken({ revokedAt: revoked ? '2026-01-03T00:00:00Z' : null })],
        nextCursor: null,
      })),
      apiNoContent('delete', '/api/v1/users/me/tokens/{id}', () => {
        revoked = true;
      }),
    );
    renderWithProviders(<TokensPage />);

    await userEvent.click(await screen.findByRole('button', { name: 'Revoke CI' }));
    await userEvent.click(within(screen.getByRole('dialog', { name: 'Revoke CI?' })).getByRole('button', { name: 'Revoke token' }));

    expect(await screen.findByText('Revoked')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Revoke CI' })).not.toBeInTheDocument();
  });
});
