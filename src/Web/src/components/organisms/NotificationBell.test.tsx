import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { NotificationBell } from './NotificationBell';
import { server } from '../../test/server';
import { apiJson } from '../../test/http';
import { renderWithProviders, testQueryClient } from '../../test/render';
import { aNotification } from '../../test/workspaceFixtures';

describe('NotificationBell', () => {
  it('shows the unread count, opens the newest notifications and closes on Escape', async () => {
    server.use(
      apiJson('get', '/api/v1/notifications/unread-count', 200, () => ({ count: 2 })),
      apiJson('get', '/api/v1/notifications', 200, () => ({
        items: [
          aNotification(),
          aNotification({ id: 'n2', summary: 'You were assigned ORB-9', taskKey: 'ORB-9' }),
          aNotification({ id: 'n3', summary: 'Old news', readAt: '2026-01-03T00:00:00Z' }),
        ],
        nextCursor: null,
      })),
    );
    renderWithProviders(<NotificationBell />);

    const bell = await screen.findByRole('button', { name: 'Notifications, 2 unread' });
    expect(bell).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(bell);

    expect(bell).toHaveAttribute('aria-expanded', 'true');
    expect(await screen.findByRole('link', { name: /Grace mentioned you on ORB-7/ })).toHaveAttribute('href', '/tasks/ORB-7');
    expect(screen.getByRole('link', { name: 'Old news' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'See all notifications' })).toHaveAttribute('href', '/notifications');

    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('region', { name: 'Recent notifications' })).not.toBeInTheDocument();
    expect(bell).toHaveFocus();
  });

  it('keeps its data under the notifications key prefix, so the live feed can refresh it', async () => {
    let count = 1;
    server.use(apiJson('get', '/api/v1/notifications/unread-count', 200, () => ({ count })));
    const queryClient = testQueryClient();
    renderWithProviders(<NotificationBell />, { queryClient });
    expect(await screen.findByRole('button', { name: 'Notifications, 1 unread' })).toBeInTheDocument();

    count = 3;
    await queryClient.invalidateQueries({ queryKey: ['notifications'] });
    await waitFor(() => expect(screen.getByRole('button', { name: 'Notifications, 3 unread' })).toBeInTheDocument());
  });

  it('refetches the count when the window regains focus', async () => {
    let count = 0;
    server.use(apiJson('get', '/api/v1/notifications/unread-count', 200, () => ({ count })));
    renderWithProviders(<NotificationBell />);
    expect(await screen.findByRole('button', { name: 'Notifications, none unread' })).toBeInTheDocument();

    count = 4;
    window.dispatchEvent(new Event('visibilitychange'));
    window.dispatchEvent(new Event('focus'));
    expect(await screen.findByRole('button', { name: 'Notifications, 4 unread' })).toBeInTheDocument();
  });

  it('marks all read from the dropdown', async () => {
    let marked = false;
    server.use(
      apiJson('get', '/api/v1/notifications/unread-count', 200, () => ({ count: marked ? 0 : 1 })),
      apiJson('get', '/api/v1/notifications', 200, () => ({ items: [aNotification({ readAt: marked ? '2026-01-03T00:00:00Z' : null })], nextCursor: null })),
      apiJson('post', '/api/v1/notifications/read-all', 200, () => {
        marked = true;
        return { marked: 1 };
      }),
    );
    renderWithProviders(<NotificationBell />);
    await userEvent.click(await screen.findByRole('button', { name: 'Notifications, 1 unread' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Mark all read' }));

    expect(await screen.findByRole('button', { name: 'Notifications, none unread' })).toBeInTheDocument();
  });
});
