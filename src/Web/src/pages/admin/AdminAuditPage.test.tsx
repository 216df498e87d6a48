import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AdminAuditPage } from './AdminAuditPage';
import { server } from '../../test/server';
import { apiJson, apiProblem } from '../../test/http';
import { aUser } from '../../test/fixtures';
import { renderWithProviders } from '../../test/render';
import { anAuditEntry } from '../../test/workspaceFixtures';

const admin = aUser({ roles: ['admin'] });

describe('AdminAuditPage', () => {
  it('sends the filters to the API and loads older entries with the cursor', async () => {
    const seen: URLSearchParams[] = [];
    server.use(
      apiJson('get', '/api/v1/admin/audit', 200, ({ request }) => {
        const query = new URL(request.url).searchParams;
        seen.push(query);
        if (query.get('cursor') === 'older') return { items: [anAuditEntry({ id: 7, action: 'project.created' })], nextCursor: null };
        return { items: [anAuditEntry()], nextCursor: 'older' };
      }),
    );
    renderWithProviders(<AdminAuditPage />, { user: admin, route: '/admin/audit' });

    expect(await screen.findByRole('cell', { name: 'task.updated' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByRole('cell', { name: 'project.created' })).toBeInTheDocument();

    await userEvent.type(screen.getByLabelText('Event type'), 'member.added');
    await userEvent.selectOptions(screen.getByLabelText('Entity'), 'member');
    await userEvent.type(screen.getByLabelText('From'), '2026-01-02');
    await userEvent.click(screen.getByRole('button', { name: 'Apply filters' }));

    await expect.poll(() => seen.some((q) => q.get('action') === 'member.added')).toBe(true);
    const filtered = seen.find((q) => q.get('action') === 'member.added');
    expect(filtered?.get('entityType')).toBe('member');
    expect(filtered?.get('from')).toBe(new Date('2026-01-02T00:00:00').toISOString());
  }, 15_000);

  it('narrows to one actor or one entity from a row', async () => {
    const seen: URLSearchParams[] = [];
    server.use(
      apiJson('get', '/api/v1/admin/audit', 200, ({ request }) => {
        seen.push(new URL(request.url).searchParams);
        return { items: [anAuditEntry()], nextCursor: null };
      }),
    );
    renderWithProviders(<AdminAuditPage />, { user: admin, route: '/admin/audit' });

    await userEvent.click(await screen.findByRole('link', { name: /^Only actor/ }));
    await expect.poll(() => seen.some((q) => q.get('actorId') === anAuditEntry().actorId)).toBe(true);
    expect(screen.getByLabelText('Actor (user id)')).toHaveValue(anAuditEntry().actorId);

    await userEvent.click(screen.getByRole('link', { name: 'Only task ORB-7' }));
    await expect.poll(() => seen.some((q) => q.get('entityId') === anAuditEntry().entityId && q.get('entityType') === 'task')).toBe(true);
  });

  it('shows a filter error from the API on its field', async () => {
    server.use(apiProblem('get', '/api/v1/admin/audit', { status: 400, errors: { to: ['to must not be before from.'] } }));
    renderWithProviders(<AdminAuditPage />, { user: admin, route: '/admin/audit?from=2026-02-01&to=2026-01-01' });

    expect(await screen.findByText('to must not be before from.')).toBeInTheDocument();
    expect(screen.getByLabelText('To')).toHaveAttribute('aria-invalid', 'true');
  });

  it('verifies the chain: valid, then broken at an entry', async () => {
    let valid = true;
    server.use(
      apiJson('get', '/api/v1/admin/audit', 200, () => ({ items: [anAuditEntry()], nextCursor: null })),
      apiJson('get', '/api/v1/admin/audit/verify', 200, () =>
        valid
          ? { valid: true, checkedRows: 128, firstBrokenId: null, headId: 128, headHash: 'abc' }
          : { valid: false, checkedRows: 57, firstBrokenId: 57, headId: 128, headHash: 'abc' },
      ),
    );
    renderWithProviders(<AdminAuditPage />, { user: admin, route: '/admin/audit' });

    await userEvent.click(await screen.findByRole('button', { name: 'Verify chain' }));
    expect(await screen.findByText(/128 entries checked/)).toBeInTheDocument();
    expect(screen.getByText('Valid')).toBeInTheDocument();

    valid = false;
    await userEvent.click(screen.getByRole('button', { name: 'Verify chain' }));
    expect(await screen.findByText(/The chain is broken at entry 57/)).toBeInTheDocument();
  });
});
