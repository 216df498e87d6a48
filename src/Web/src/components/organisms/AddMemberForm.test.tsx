import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AddMemberForm } from './AddMemberForm';
import { server } from '../../test/server';
import { apiJson, apiProblem } from '../../test/http';
import { renderWithProviders } from '../../test/render';
import { aMember, PROJECT } from '../../test/workspaceFixtures';

const GRACE = { id: '00000000-0000-4000-8000-000000000002', displayName: 'Grace Hopper', email: 'grace@example.test' };

describe('AddMemberForm', () => {
  it('suggests people as you type, picks one with the keyboard and adds them with the chosen role', async () => {
    const searched: (string | null)[] = [];
    let sent: unknown;
    server.use(
      apiJson('get', '/api/v1/people', 200, ({ request }) => {
        searched.push(new URL(request.url).searchParams.get('q'));
        return { items: [GRACE] };
      }),
      apiJson('post', '/api/v1/projects/{projectId}/members', 201, async ({ request }) => {
        sent = await request.json();
        return aMember({ userId: GRACE.id, displayName: GRACE.displayName, email: GRACE.email, role: 'maintainer' });
      }),
    );
    renderWithProviders(<AddMemberForm projectId={PROJECT} canAddOwners={false} />);

    const email = screen.getByRole('combobox', { name: 'Email' });
    await userEvent.type(email, 'gra');
    expect(await screen.findByRole('option', { name: /Grace Hopper/ })).toBeInTheDocument();
    await userEvent.keyboard('{ArrowDown}{Enter}');
    expect(email).toHaveValue('grace@example.test');

    expect(screen.queryByRole('option', { name: 'owner' })).not.toBeInTheDocument();
    await userEvent.selectOptions(screen.getByLabelText('Role'), 'maintainer');
    await userEvent.click(screen.getByRole('button', { name: 'Add member' }));

    expect(await screen.findByText('Grace Hopper added as maintainer')).toBeInTheDocument();
    expect(sent).toEqual({ email: 'grace@example.test', role: 'maintainer' });
    expect(searched).toContain('gra');
    expect(email).toHaveValue('');
  });

  it('says on the email field when nobody has registered with that email (404)', async () => {
    server.use(
      apiJson('get', '/api/v1/people', 200, () => ({ items: [] })),
      apiProblem('post', '/api/v1/projects/{projectId}/members', {
        status: 404,
        code: 'members.user_not_found',
        detail: 'No active account has this email; the person has to register first.',
      }),
    );
    renderWithProviders(<AddMemberForm projectId={PROJECT} canAddOwners />);

    await userEvent.type(screen.getByRole('combobox', { name: 'Email' }), 'nobody@example.test');
    await userEvent.click(screen.getByRole('button', { name: 'Add member' }));

    const email = screen.getByRole('combobox', { name: 'Email' });
    expect(await screen.findByText(/the person has to register first/)).toBeInTheDocument();
    expect(email).toHaveAttribute('aria-invalid', 'true');
    expect(email).toHaveAccessibleDescription(/the person has to register first/);
  });

  it('says so when the person is already a member (409)', async () => {
    server.use(
      apiJson('get', '/api/v1/people', 200, () => ({ items: [] })),
      apiProblem('post', '/api/v1/projects/{projectId}/members', {
        status: 409,
        code: 'members.already_member',
        detail: 'This user is already a member of the project.',
      }),
    );
    renderWithProviders(<AddMemberForm projectId={PROJECT} canAddOwners />);
    await userEvent.type(screen.getByRole('combobox', { name: 'Email' }), 'grace@example.test');
    await userEvent.click(screen.getByRole('button', { name: 'Add member' }));

    expect(await screen.findByText('This user is already a member of the project.')).toBeInTheDocument();
  });
});
