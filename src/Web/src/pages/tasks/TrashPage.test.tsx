import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { TrashPage } from './TrashPage';
import { server } from '../../test/server';
import { apiJson } from '../../test/http';
import { aProject } from '../../test/fixtures';
import { renderWithProviders } from '../../test/render';
import { aTask, PROJECT_ID } from '../../features/tasks/testing';

// Typing with user-event is slow on a loaded machine: more than the default 5 s per test.
describe('TrashPage', { timeout: 20_000 }, () => {
  it('lists deleted tasks and restores one', async () => {
    const deleted = aTask({ key: 'ORB-7', title: 'Old idea' });
    let trash = [deleted];
    let asked: string | null = null;
    server.use(
      apiJson('get', '/api/v1/projects/{projectId}', 200, () => aProject()),
      apiJson('get', '/api/v1/projects/{projectId}/tasks', 200, ({ request }) => {
        asked = new URL(request.url).searchParams.get('deleted');
        return { items: trash, nextCursor: null };
      }),
      apiJson('post', '/api/v1/tasks/{idOrKey}/restore', 200, () => {
        trash = [];
        return deleted;
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(
      <Routes>
        <Route path="/projects/:projectId/trash" element={<TrashPage />} />
      </Routes>,
      { route: `/projects/${PROJECT_ID}/trash` },
    );

    expect(await screen.findByRole('cell', { name: 'Old idea' })).toBeInTheDocument();
    expect(asked).toBe('true');
    await user.click(screen.getByRole('button', { name: 'Restore ORB-7' }));
    await waitFor(() => expect(screen.getByText('The trash is empty.')).toBeInTheDocument());
    expect(screen.getAllByText('ORB-7 restored').length).toBeGreaterThan(0);
  });
});
