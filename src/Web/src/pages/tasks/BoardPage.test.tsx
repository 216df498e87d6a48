import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { BoardPage } from './BoardPage';
import { server } from '../../test/server';
import { http } from 'msw';
import { apiJson, problemResponse } from '../../test/http';
import { aProject } from '../../test/fixtures';
import { renderWithProviders } from '../../test/render';
import { aMember, aTask, BOB, PROJECT_ID } from '../../features/tasks/testing';
import { fakeFeed } from '../../features/live/testing';
import type { Task } from '../../features/tasks/types';

function renderBoard() {
  return renderWithProviders(
    <Routes>
      <Route path="/projects/:projectId/board" element={<BoardPage />} />
    </Routes>,
    { route: `/projects/${PROJECT_ID}/board` },
  );
}

function serveProject(tasks: Task[]) {
  const { handler } = fakeFeed();
  server.use(
    handler,
    apiJson('get', '/api/v1/projects/{projectId}', 200, () => aProject()),
    apiJson('get', '/api/v1/projects/{projectId}/members', 200, () => ({
      items: [aMember(), aMember({ userId: BOB, displayName: 'Bob Builder', role: 'member' })],
      nextCursor: null,
    })),
    apiJson('get', '/api/v1/projects/{projectId}/tasks', 200, () => ({ items: tasks, nextCursor: null })),
  );
}

const column = (name: RegExp) => screen.getByRole('region', { name });

// Typing with user-event is slow on a loaded machine: more than the default 5 s per test.
describe('BoardPage', { timeout: 20_000 }, () => {
  it('shows every column in workflow order with its cards', async () => {
    serveProject([
      aTask({ key: 'ORB-1', title: 'Write the spec', status: 'todo', assigneeId: BOB, labels: ['docs'], priority: 'high', dueDate: '2026-03-01' }),
      aTask({ key: 'ORB-2', title: 'Ship it', status: 'done' }),
    ]);
    renderBoard();

    expect(await screen.findByRole('link', { name: 'Write the spec' })).toHaveAttribute('href', '/tasks/ORB-1');
    const headings = screen.getAllByRole('heading', { level: 3 }).map((h) => h.textContent?.replace(/\s*\d*$/, ''));
    expect(headings).toEqual(['Backlog', 'To do', 'In progress', 'In review', 'Done', 'Cancelled']);
    const todo = column(/^To do/);
    expect(within(todo).getByText('ORB-1')).toBeInTheDocument();
    expect(within(todo).getByRole('img', { name: 'Bob Builder' })).toBeInTheDocument();
    expect(within(todo).getByRole('img', { name: 'High' })).toBeInTheDocument();
    expect(within(todo).getByText('docs')).toBeInTheDocument();
    expect(within(column(/^Done/)).getByText('ORB-2')).toBeInTheDocument();
  });

  it('reads every page of a large project', async () => {
    const { handler } = fakeFeed();
    const all = Array.from({ length: 250 }, (_, i) => aTask({ key: `ORB-${i + 1}` }));
    server.use(
      handler,
      apiJson('get', '/api/v1/projects/{projectId}', 200, () => aProject()),
      apiJson('get', '/api/v1/projects/{projectId}/members', 200, () => ({ items: [], nextCursor: null })),
      apiJson('get', '/api/v1/projects/{projectId}/tasks', 200, ({ request }) => {
        const cursor = Number(new URL(request.url).searchParams.get('cursor') ?? '0');
        const next = cursor + 100;
        return { items: all.slice(cursor, next), nextCursor: next < all.length ? String(next) : null };
      }),
    );
    renderBoard();

    await waitFor(() => expect(within(column(/^To do/)).getAllByRole('article')).toHaveLength(250), { timeout: 15_000 });
  }, 20_000);

  it('moves a card with the keyboard through its Move to menu, sending If-Match', async () => {
    const task = aTask({ key: 'ORB-1', status: 'todo', version: 4 });
    serveProject([task]);
    let ifMatch: string | null = null;
    server.use(
      apiJson('patch', '/api/v1/tasks/{idOrKey}', 200, async ({ request }) => {
        ifMatch = request.headers.get('If-Match');
        const body: unknown = await request.json();
        expect(body).toEqual({ status: 'in_progress' });
        return aTask({ ...task, status: 'in_progress', version: 5 });
      }),
    );
    const user = userEvent.setup();
    renderBoard();

    await screen.findByText('ORB-1');
    await user.click(screen.getByRole('button', { name: 'Move ORB-1 to…' }));
    const menu = screen.getByRole('menu');
    expect(within(menu).getByRole('menuitem', { name: 'To do' })).toBeDisabled();
    expect(within(menu).getByRole('menuitem', { name: 'Backlog' })).toHaveFocus();
    // To do is where it is (disabled, skipped): one step down from Backlog is In progress.
    await user.keyboard('{ArrowDown}{Enter}');

    await waitFor(() => expect(within(column(/^In progress/)).getByText('ORB-1')).toBeInTheDocument());
    expect(screen.getByText('ORB-1 moved to In progress')).toBeInTheDocument();
    await waitFor(() => expect(ifMatch).toBe('"4"'));
  });

  it('moves the card at once and puts it back with a toast when someone else changed it (412)', async () => {
    const task = aTask({ key: 'ORB-1', status: 'todo', version: 2 });
    serveProject([task]);
    let release: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (release = resolve));
    server.use(
      http412(async () => {
        await answered;
      }),
    );
    const user = userEvent.setup();
    renderBoard();

    await screen.findByText('ORB-1');
    await user.click(screen.getByRole('button', { name: 'Move ORB-1 to…' }));
    await user.click(screen.getByRole('menuitem', { name: 'Done' }));

    // Optimistic: in Done before the API has answered.
    expect(within(column(/^Done/)).getByText('ORB-1')).toBeInTheDocument();
    release();

    expect((await screen.findAllByText('ORB-1 was changed by someone else — refreshed')).length).toBeGreaterThan(0);
    await waitFor(() => expect(within(column(/^To do/)).getByText('ORB-1')).toBeInTheDocument());
    expect(within(column(/^Done/)).queryByText('ORB-1')).not.toBeInTheDocument();
  });

  it('creates a task in a column from the quick-create field', async () => {
    serveProject([]);
    server.use(
      apiJson('post', '/api/v1/projects/{projectId}/tasks', 201, async ({ request }) => {
        const body: unknown = await request.json();
        expect(body).toMatchObject({ title: 'Fix the login', status: 'in_review' });
        return aTask({ key: 'ORB-9', title: 'Fix the login', status: 'in_review' });
      }),
    );
    const user = userEvent.setup();
    renderBoard();

    await screen.findAllByText('0');
    await user.click(screen.getByRole('button', { name: 'Add task to In review' }));
    await user.type(screen.getByRole('textbox', { name: 'New task title in In review' }), 'Fix the login{Enter}');

    expect(await within(column(/^In review/)).findByText('ORB-9')).toBeInTheDocument();
  });
});

/** A 412 that waits, so the optimistic state can be seen before the API answers. */
function http412(wait: () => Promise<void>) {
  return http.patch('/api/v1/tasks/:idOrKey', async () => {
    await wait();
    return problemResponse({ status: 412, title: 'Precondition Failed', code: 'tasks.version_mismatch' });
  });
}
