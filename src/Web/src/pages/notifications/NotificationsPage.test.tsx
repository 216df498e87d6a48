import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { NotificationsPage } from './NotificationsPage';
import { server } from '../../test/server';
import { apiJson, apiProblem } from '../../test/http';
import { renderWithProviders } from '../../test/render';
import { aNotification } from '../../test/workspaceFixtures';

describe('NotificationsPage', () => {
  it('lists notifications linking to their tasks, filters unread and marks one read', async () => {
    const read = new Set<string>();
    const all = () => [
      aNotification({ id: 'n1', readAt: read.has('n1') ? '2026-01-03T00:00:00Z' : null }),
      aNotification({ id: 'n2', summary: 'Old news', taskKey: 'ORB-2', readAt: '2026-01-03T00:00:00Z' }),
    ];
    server.use(
      apiJson('get', '/api/v1/notifications/unread-count', 200, () => ({ count: read.has('n1') ? 0 : 1 })),
      apiJson('get', '/api/v1/notifications', 200, ({ request }) => {
        const unreadOnly = new URL(request.url).searchParams.get('unread') === 'true';
        return { items: all().filter((n) => !unreadOnly || n.readAt === null), nextCursor: null };
      }),
      apiJson('post', '/api/v1/notifications/{notificationId}/read', 200, ({ params }) => {
        read.add(String(params.notificationId));
        return aNotification({ id: String(params.notificationId), readAt: '2026-01-03T00:00:00Z' });
      }),
    );
    renderWithProviders(<NotificationsPage />, { route: '/notifications' });

    expect(await screen.findByRole('link', { name: 'Old news' })).toHaveAttribute('href', '/tasks/ORB-2');
    await userEvent.click(screen.getByRole('button', { name: /^Unread/ }));
    expect(await screen.findByRole('button', { name: 'Unread (1)' })).toHaveAttribute('aria-pressed', 'true');
    expect(screen.queryByRole('link', { name: 'Old news' })).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Mark read: Grace mentioned you on ORB-7' }));
    expect(await screen.findByText('You are all caught up.')).toBeInTheDocument();
  });

  it('loads older notifications with the cursor', async () => {
    server.use(
      apiJson('get', '/api/v1/notifications/unread-count', 200, () => ({ count: 0 })),
      apiJson('get', '/api/v1/notifications', 200, ({ request }) => {
        const query = new URL(request.url).searchParams;
        return query.get('cursor') === 'next'
          ? { items: [aNotification({ id: 'n9', summary: 'Older one', readAt: '2026-01-01T00:00:00Z' })], nextCursor: null }
          : { items: [aNotification({ id: 'n1', summary: 'Newer one', readAt: '2026-01-03T00:00:00Z' })], nextCursor: 'next' };
      }),
    );
    renderWithProviders(<NotificationsPage />, { route: '/notifications' });

    await userEvent.click(await screen.findByRole('button', { name: 'Load more' }));
    expect(await screen.findByRole('link', { name: 'Older one' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Mark all read' })).toBeDisabled();
  });

  it('shows an error with Retry when the list cannot be loaded', async () => {
    server.use(
      apiJson('get', '/api/v1/notifications/unread-count', 200, () => ({ count: 0 })),
      apiProblem('get', '/api/v1/notifications', { status: 500, title: 'Internal Server Error' }),
    );
    renderWithProviders(<NotificationsPage />, { route: '/notifications' });

    expect(await screen.findByRole('alert')).toHaveTextContent('Could not load notifications');
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });
});
