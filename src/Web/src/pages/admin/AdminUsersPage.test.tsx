import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AdminUsersPage } from './AdminUsersPage';
import { server } from '../../test/server';
import { apiJson, apiProblem } from '../../test/http';
import { aUser } from '../../test/fixtures';
import { renderWithProviders } from '../../test/render';
import { anAdminUser } from '../../test/workspaceFixtures';

const admin = aUser({ roles: ['admin'] });

describe('AdminUsersPage', () => {
  it('searches users by name or email', async () => {
    const queries: (string | null)[] = [];
    server.use(
      apiJson('get', '/api/v1/admin/users', 200, ({ request }) => {
        const q = new URL(request.url).searchParams.get('q');
        queries.push(q);
        return { items: q ? [anAdminUser()] : [anAdminUser(), anAdminUser({ id: 'u3', displayName: 'Linus', email: 'linus@example.test' })], nextCursor: null };
      }),
    );
    renderWithProviders(<AdminUsersPage />, { user: admin, route: '/admin/users' });

    expect(await screen.findByText('Linus')).toBeInTheDocument();
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search users' }), 'grace');
    await expect.poll(() => queries).toContain('grace');
    await expect.poll(() => screen.queryByText('Linus')).toBeNull();
    expect(screen.getByText('Grace Hopper')).toBeInTheDocument();
    expect(queries).not.toContain('g');
  });

  it('disables a user after confirmation', async () => {
    let disabled = false;
    server.use(
      apiJson('get', '/api/v1/admin/users', 200, () => ({ items: [anAdminUser({ isDisabled: disabled })], nextCursor: null })),
      apiJson('post', '/api/v1/admin/users/{id}/disable', 200, () => {
        disabled = true;
        return anAdminUser({ isDisabled: true });
      }),
    );
    renderWithProviders(<AdminUsersPage />, { user: admin, route: '/admin/users' });

    await userEvent.click(await screen.findByRole('button', { name: 'Disable Grace Hopper' }));
    const dialog = screen.getByRole('dialog', { name: 'Disable Grace Hopper?' });
    expect(dialog).toHaveTextContent('signed out everywhere');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Disable' }));

    expect(await screen.findByText('Grace Hopper disabled')).toBeInTheDocument();
    expect(await screen.findByRole('button', { name: 'Enable Grace Hopper' })).toBeInTheDocument();
  });

  it('grants the admin role, and shows a refusal inside the dialog', async () => {
    let roles: unknown;
    server.use(
      apiJson('get', '/api/v1/admin/users', 200, () => ({ items: [anAdminUser()], nextCursor: null })),
      apiJson('put', '/api/v1/admin/users/{id}/roles', 200, async ({ request }) => {
        roles = await request.json();
        return anAdminUser({ roles: ['admin'] });
      }),
    );
    renderWithProviders(<AdminUsersPage />, { user: admin, route: '/admin/users' });

    await userEvent.click(await screen.findByRole('button', { name: 'Make admin: Grace Hopper' }));
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Make admin' }));
    expect(await screen.findByText('Grace Hopper is now an admin')).toBeInTheDocument();
    expect(roles).toEqual({ roles: ['admin'] });

    server.use(
      apiProblem('post', '/api/v1/admin/users/{id}/disable', {
        status: 409,
        code: 'identity.last_admin',
        detail: 'The last active admin cannot be disabled.',
      }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Disable Grace Hopper' }));
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Disable' }));
    expect(await within(screen.getByRole('dialog')).findByRole('alert')).toHaveTextContent('The last active admin cannot be disabled.');
  });

  it('offers no actions on your own account', async () => {
    server.use(apiJson('get', '/api/v1/admin/users', 200, () => ({ items: [anAdminUser({ id: admin.id, displayName: 'Ada Lovelace' })], nextCursor: null })));
    renderWithProviders(<AdminUsersPage />, { user: admin, route: '/admin/users' });

    expect(await screen.findByText('(you)')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Disable/ })).not.toBeInTheDocument();
  });
});
