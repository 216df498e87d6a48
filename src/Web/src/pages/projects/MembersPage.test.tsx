import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { MembersPage } from './MembersPage';
import { server } from '../../test/server';
import { apiJson, apiProblem } from '../../test/http';
import { aProject } from '../../test/fixtures';
import { renderWithProviders } from '../../test/render';
import { apiNoContent } from '../../test/apiNoContent';
import { aMember, ME, PROJECT } from '../../test/workspaceFixtures';
import type { components } from '../../api/schema';

const GRACE = '00000000-0000-4000-8000-000000000002';

function renderMembers(members: components['schemas']['MemberResponse'][]) {
  server.use(
    apiJson('get', '/api/v1/projects/{projectId}', 200, () => aProject()),
    apiJson('get', '/api/v1/projects/{projectId}/members', 200, () => ({ items: members, nextCursor: null })),
  );
  renderWithProviders(
    <Routes>
      <Route path="/projects/:projectId/members" element={<MembersPage />} />
    </Routes>,
    { route: `/projects/${PROJECT}/members` },
  );
}

describe('MembersPage', () => {
  it('lists members with their roles', async () => {
    renderMembers([aMember(), aMember({ userId: GRACE, displayName: 'Grace Hopper', email: 'grace@example.test', role: 'member' })]);

    expect(await screen.findByRole('cell', { name: /Grace Hopper/ })).toHaveTextContent('grace@example.test');
    expect(screen.getByRole('combobox', { name: 'Role of Grace Hopper' })).toHaveValue('member');
    expect(screen.getByRole('form', { name: 'Add a member' })).toBeInTheDocument();
  });

  it('changes a role with PUT', async () => {
    let sent: unknown;
    server.use(
      apiJson('put', '/api/v1/projects/{projectId}/members/{userId}', 200, async ({ request, params }) => {
        sent = { userId: params.userId, body: await request.json() };
        return aMember({ userId: GRACE, displayName: 'Grace Hopper', role: 'maintainer' });
      }),
    );
    renderMembers([aMember(), aMember({ userId: GRACE, displayName: 'Grace Hopper', role: 'member' })]);

    await userEvent.selectOptions(await screen.findByRole('combobox', { name: 'Role of Grace Hopper' }), 'maintainer');

    expect(await screen.findByText('Grace Hopper is now maintainer')).toBeInTheDocument();
    expect(sent).toEqual({ userId: GRACE, body: { role: 'maintainer' } });
  });

  it('says clearly when the last owner would lose the role (409)', async () => {
    server.use(
      apiProblem('put', '/api/v1/projects/{projectId}/members/{userId}', {
        status: 409,
        code: 'projects.last_owner',
        detail: "This is the project's last owner; make another member owner first.",
      }),
    );
    renderMembers([aMember({ userId: ME, role: 'owner' })]);

    await userEvent.selectOptions(await screen.findByRole('combobox', { name: 'Role of Ada Lovelace' }), 'member');

    expect(await screen.findByRole('alert')).toHaveTextContent(
      "You are the project's last owner, so cannot be given another role. Make another member owner first.",
    );
  });

  it('removes a member after confirmation, and explains the last-owner refusal inside the dialog', async () => {
    const removed: string[] = [];
    server.use(apiNoContent('delete', '/api/v1/projects/{projectId}/members/{userId}', (request) => void removed.push(request.url)));
    renderMembers([aMember(), aMember({ userId: GRACE, displayName: 'Grace Hopper', role: 'member' })]);

    await userEvent.click(await screen.findByRole('button', { name: 'Remove Grace Hopper' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove Grace Hopper?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Remove member' }));
    expect(await screen.findByText('Grace Hopper removed')).toBeInTheDocument();
    expect(removed).toEqual([expect.stringContaining(`/members/${GRACE}`)]);

    server.use(apiProblem('delete', '/api/v1/projects/{projectId}/members/{userId}', { status: 409, code: 'projects.last_owner' }));
    await userEvent.click(screen.getByRole('button', { name: 'Remove Ada Lovelace' }));
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Remove member' }));
    expect(await within(screen.getByRole('dialog')).findByRole('alert')).toHaveTextContent("You are the project's last owner");
  });

  it('hides the management controls from roles that cannot act (the API would answer 403)', async () => {
    renderMembers([aMember({ role: 'viewer' }), aMember({ userId: GRACE, displayName: 'Grace Hopper', role: 'owner' })]);

    expect(await screen.findByText(/You are a viewer here/)).toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Add a member' })).not.toBeInTheDocument();
    expect(screen.queryByRole('combobox', { name: /Role of/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Remove/ })).not.toBeInTheDocument();
  });

  it('does not let a maintainer touch owners or appoint one', async () => {
    renderMembers([
      aMember({ role: 'maintainer' }),
      aMember({ userId: GRACE, displayName: 'Grace Hopper', role: 'owner' }),
      aMember({ userId: 'u3', displayName: 'Linus', role: 'member' }),
    ]);

    expect(await screen.findByRole('combobox', { name: 'Role of Linus' })).toBeInTheDocument();
    expect(screen.queryByRole('combobox', { name: 'Role of Grace Hopper' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Remove Grace Hopper' })).not.toBeInTheDocument();
    expect(within(screen.getByRole('combobox', { name: 'Role of Linus' })).queryByRole('option', { name: /^owner/ })).toBeNull();
  });
});
