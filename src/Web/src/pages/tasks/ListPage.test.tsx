import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { render } from '@testing-library/react';
import { QueryClientProvider } from '@tanstack/react-query';
import { ListPage } from './ListPage';
import { server } from '../../test/server';
import { apiJson } from '../../test/http';
import { aProject } from '../../test/fixtures';
import { testQueryClient, fakeSession } from '../../test/render';
import { aUser } from '../../test/fixtures';
import { SessionContext } from '../../session/context';
import { ToastProvider } from '../../ui/toast';
import { aMember, aTask, BOB, PROJECT_ID } from '../../features/tasks/testing';
import { fakeFeed } from '../../features/live/testing';
import { ROW_HEIGHT } from '../../components/organisms/TaskGrid';

const VIEWPORT = 600;

function renderList(path: string) {
  const router = createMemoryRouter(
    [
      { path: '/projects/:projectId/list', element: <ListPage /> },
      { path: '/tasks/:key', element: <p>Task page</p> },
    ],
    { initialEntries: [path] },
  );
  render(
    <QueryClientProvider client={testQueryClient()}>
      <SessionContext.Provider value={fakeSession(aUser())}>
        <ToastProvider>
          <RouterProvider router={router} />
        </ToastProvider>
      </SessionContext.Provider>
    </QueryClientProvider>,
  );
  return router;
}

/** Serves `total` tasks in keyset pages; records each request's query string. */
function serveTasks(total: number) {
  const requests: URLSearchParams[] = [];
  const { handler } = fakeFeed();
  server.use(
    handler,
    apiJson('get', '/api/v1/projects/{projectId}', 200, () => aProject()),
    apiJson('get', '/api/v1/projects/{projectId}/members', 200, () => ({
      items: [aMember(), aMember({ userId: BOB, displayName: 'Bob Builder' })],
      nextCursor: null,
    })),
    apiJson('get', '/api/v1/projects/{projectId}/tasks', 200, ({ request }) => {
      const query = new URL(request.url).searchParams;
      requests.push(query);
      const from = Number(query.get('cursor') ?? '0');
      const limit = Number(query.get('limit'));
      const to = Math.min(total, from + limit);
      const items = Array.from({ length: to - from }, (_, i) => aTask({ key: `ORB-${from + i + 1}`, title: `Task number ${from + i + 1}` }));
      return { items, nextCursor: to < total ? String(to) : null };
    }),
  );
  return requests;
}

// Typing with user-event is slow on a loaded machine: more than the default 5 s per test.
describe('ListPage', { timeout: 20_000 }, () => {
  beforeEach(() => {
    // jsdom lays nothing out: give the grid's scroller a viewport so the virtualiser renders rows.
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(VIEWPORT);
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1000);
  });

  it('reads its filters from the URL and sends them to the API', async () => {
    const requests = serveTasks(3);
    renderList(`/projects/${PROJECT_ID}/list?status=todo,in_progress&assignee=none&label=bug&priority=high&q=login&dueBefore=2026-05-01&updatedSince=2026-04-01&sort=priority`);

    await screen.findByRole('grid', { name: 'Tasks' });
    const query = requests[0];
    expect(query?.get('status')).toBe('todo,in_progress');
    expect(query?.get('assigneeId')).toBe('none');
    expect(query?.get('label')).toBe('bug');
    expect(query?.get('priority')).toBe('high');
    expect(query?.get('q')).toBe('login');
    expect(query?.get('dueBefore')).toBe('2026-05-01');
    expect(query?.get('updatedSince')).toBe('2026-04-01T00:00:00Z');
    expect(query?.get('sort')).toBe('priority');
    expect(screen.getByRole('checkbox', { name: 'To do' })).toBeChecked();
    expect(screen.getByRole('combobox', { name: 'Assignee' })).toHaveValue('none');
    expect(screen.getByRole('searchbox', { name: 'Search' })).toHaveValue('login');
  });

  it('puts filter changes in the URL, and back restores the previous filters', async () => {
    serveTasks(3);
    const user = userEvent.setup();
    const router = renderList(`/projects/${PROJECT_ID}/list`);
    await screen.findByRole('grid', { name: 'Tasks' });

    await user.click(screen.getByRole('checkbox', { name: 'In review' }));
    await waitFor(() => expect(router.state.location.search).toBe('?status=in_review'));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Assignee' }), 'Bob Builder');
    await waitFor(() => expect(router.state.location.search).toBe(`?status=in_review&assignee=${BOB}`));
    await user.type(screen.getByRole('searchbox', { name: 'Search' }), 'crash');
    await waitFor(() => expect(new URLSearchParams(router.state.location.search).get('q')).toBe('crash'));

    await router.navigate(-1);
    await waitFor(() => expect(router.state.location.search).toBe('?status=in_review'));
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'Assignee' })).toHaveValue(''));
    await waitFor(() => expect(screen.getByRole('searchbox', { name: 'Search' })).toHaveValue(''));
  });

  it('renders only the rows in view and loads the next keyset page while scrolling', async () => {
    const requests = serveTasks(10_000);
    renderList(`/projects/${PROJECT_ID}/list`);
    const grid = await screen.findByRole('grid', { name: 'Tasks' });
    expect(grid).toHaveAttribute('aria-rowcount', '-1');
    await waitFor(() => expect(requests.length).toBe(1));
    const rows = within(grid).getAllByRole('row');
    expect(rows.length).toBeLessThan(VIEWPORT / ROW_HEIGHT + 30);

    const scroller = screen.getByTestId('task-grid-scroller');
    scroller.scrollTop = 90 * ROW_HEIGHT;
    fireEvent.scroll(scroller);

    await waitFor(() => expect(requests.map((r) => r.get('cursor'))).toEqual([null, '100']));
    scroller.scrollTop = 140 * ROW_HEIGHT;
    fireEvent.scroll(scroller);
    expect(await within(grid).findByText('Task number 150')).toBeInTheDocument();
    expect(within(grid).queryByText('Task number 1')).not.toBeInTheDocument();
    expect(within(grid).getByText('Task number 150').closest('[role="row"]')).toHaveAttribute('aria-rowindex', '151');
  });

  it('opens a task with Enter on its row', async () => {
    serveTasks(3);
    const user = userEvent.setup();
    const router = renderList(`/projects/${PROJECT_ID}/list`);
    await screen.findByText('Task number 1');

    const first = screen.getByText('Task number 1').closest<HTMLElement>('[role="row"]');
    first?.focus();
    await user.keyboard('{ArrowDown}');
    await waitFor(() => expect(screen.getByText('Task number 2').closest('[role="row"]')).toHaveFocus());
    await user.keyboard('{Enter}');
    await waitFor(() => expect(router.state.location.pathname).toBe('/tasks/ORB-2'));
  });
});
