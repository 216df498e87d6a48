import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { TaskPage } from './TaskPage';
import { server } from '../../test/server';
import { apiJson, apiProblem } from '../../test/http';
import { renderWithProviders } from '../../test/render';
import { aComment, aMember, anAuditEntry, aTask, ADA, BOB } from '../../features/tasks/testing';
import { fakeFeed } from '../../features/live/testing';
import type { Task } from '../../features/tasks/types';

function serveTask(task: Task) {
  const { handler } = fakeFeed();
  server.use(
    handler,
    apiJson('get', '/api/v1/tasks/{idOrKey}', 200, () => task),
    apiJson('get', '/api/v1/projects/{projectId}/members', 200, () => ({
      items: [aMember(), aMember({ userId: BOB, displayName: 'Bob Builder', role: 'member' })],
      nextCursor: null,
    })),
    apiJson('get', '/api/v1/projects/{projectId}/tasks', 200, ({ request }) => ({
      items: new URL(request.url).searchParams.get('parentId') === task.id ? [aTask({ key: 'ORB-77', title: 'A small part', parentId: task.id })] : [],
      nextCursor: null,
    })),
    apiJson('get', '/api/v1/tasks/{idOrKey}/comments', 200, () => ({ items: [aComment({ authorId: BOB, body: 'First!' })], nextCursor: null })),
    apiJson('get', '/api/v1/tasks/{idOrKey}/activity', 200, () => ({
      items: [
        anAuditEntry({
          action: 'task.status_changed',
          actorId: BOB,
          entityId: task.id,
          taskKey: task.key,
          changes: { status: { before: 'todo', after: 'in_progress' } },
        }),
      ],
      nextCursor: null,
    })),
  );
}

function renderTask(key = 'ORB-1') {
  return renderWithProviders(
    <Routes>
      <Route path="/tasks/:key" element={<TaskPage />} />
      <Route path="/projects/:projectId/board" element={<p>Board</p>} />
    </Routes>,
    { route: `/tasks/${key}` },
  );
}

// Typing with user-event is slow on a loaded machine: more than the default 5 s per test.
describe('TaskPage', { timeout: 20_000 }, () => {
  it('shows the task, its comments and its history as sentences', async () => {
    serveTask(aTask({ key: 'ORB-1', title: 'Write the spec' }));
    renderTask();

    expect(await screen.findByRole('textbox', { name: 'Title' })).toHaveValue('Write the spec');
    expect(await screen.findByText('First!')).toBeInTheDocument();
    expect(await screen.findByText('Bob Builder moved the task from To do to In progress')).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'ORB-77 A small part' })).toHaveAttribute('href', '/tasks/ORB-77');
  });

  it('saves a field with If-Match and shows the saved value', async () => {
    const task = aTask({ key: 'ORB-1', priority: 'none', version: 3 });
    serveTask(task);
    let ifMatch: string | null = null;
    server.use(
      apiJson('patch', '/api/v1/tasks/{idOrKey}', 200, async ({ request }) => {
        ifMatch = request.headers.get('If-Match');
        expect(await request.json()).toEqual({ assigneeId: BOB });
        return aTask({ ...task, assigneeId: BOB, version: 4 });
      }),
    );
    const user = userEvent.setup();
    renderTask();

    await screen.findByRole('option', { name: 'Bob Builder' });
    await user.selectOptions(screen.getByRole('combobox', { name: 'Assignee' }), 'Bob Builder');
    await waitFor(() => expect(ifMatch).toBe('"3"'));
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'Assignee' })).toHaveValue(BOB));
  });

  it('says someone else changed the task on 412, shows their values and re-applies the change on request', async () => {
    const mine = aTask({ key: 'ORB-1', title: 'Old title', priority: 'none', version: 1 });
    const theirs = aTask({ ...mine, title: 'Their title', version: 2 });
    serveTask(mine);
    const user = userEvent.setup();
    renderTask();
    await screen.findByRole('combobox', { name: 'Priority' });

    let served = mine;
    const patches: { ifMatch: string | null; body: unknown }[] = [];
    server.use(
      apiJson('get', '/api/v1/tasks/{idOrKey}', 200, () => served),
      apiJson('patch', '/api/v1/tasks/{idOrKey}', 200, async ({ request }) => {
        patches.push({ ifMatch: request.headers.get('If-Match'), body: await request.json() });
        return aTask({ ...theirs, priority: 'urgent', version: 3 });
      }),
    );
    server.use(apiProblem('patch', '/api/v1/tasks/{idOrKey}', { status: 412, title: 'Precondition Failed' }));
    served = theirs;
    await user.selectOptions(screen.getByRole('combobox', { name: 'Priority' }), 'Urgent');

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Someone changed this task');
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Title' })).toHaveValue('Their title'));

    server.resetHandlers();
    serveTask(theirs);
    server.use(
      apiJson('patch', '/api/v1/tasks/{idOrKey}', 200, async ({ request }) => {
        patches.push({ ifMatch: request.headers.get('If-Match'), body: await request.json() });
        return aTask({ ...theirs, priority: 'urgent', version: 3 });
      }),
    );
    await user.click(within(alert).getByRole('button', { name: 'Re-apply my change' }));
    await waitFor(() => expect(patches).toEqual([{ ifMatch: '"2"', body: { priority: 'urgent' } }]));
    await waitFor(() => expect(screen.queryByRole('alert')).not.toBeInTheDocument());
  });

  it('completes an @mention from the project members and posts the comment', async () => {
    serveTask(aTask({ key: 'ORB-1' }));
    let posted: unknown = null;
    server.use(
      apiJson('post', '/api/v1/tasks/{idOrKey}/comments', 201, async ({ request }) => {
        posted = await request.json();
        return aComment({ authorId: ADA, body: 'x' });
      }),
    );
    const user = userEvent.setup();
    renderTask();

    const box = await screen.findByRole('combobox', { name: 'Add a comment' });
    await user.type(box, 'Thanks @bo');
    const list = await screen.findByRole('listbox', { name: 'People to mention' });
    expect(within(list).getByRole('option', { name: 'Bob Builder' })).toHaveAttribute('aria-selected', 'true');
    expect(box).toHaveAttribute('aria-expanded', 'true');
    await user.keyboard('{Enter}');
    expect(box).toHaveValue('Thanks @Bob Builder ');
    expect(box).toHaveAttribute('aria-expanded', 'false');
    await user.type(box, 'please review');
    await user.click(screen.getByRole('button', { name: 'Comment' }));

    await waitFor(() => expect(posted).toEqual({ body: 'Thanks @Bob Builder please review' }));
  });

  it('does not offer mentions inside an email address', async () => {
    serveTask(aTask({ key: 'ORB-1' }));
    const user = userEvent.setup();
    renderTask();
    const box = await screen.findByRole('combobox', { name: 'Add a comment' });
    await user.type(box, 'mail bob@b');
    expect(box).toHaveAttribute('aria-expanded', 'false');
  });

  it('says so when the task is gone', async () => {
    const { handler } = fakeFeed();
    server.use(handler, apiProblem('get', '/api/v1/tasks/{idOrKey}', { status: 404, title: 'Not Found' }));
    renderTask('ORB-404');
    expect(await screen.findByRole('alert')).toHaveTextContent('does not exist');
  });
});
