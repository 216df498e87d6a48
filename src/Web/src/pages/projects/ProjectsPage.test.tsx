import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { ProjectsPage } from './ProjectsPage';
import { server } from '../../test/server';
import { apiJson, apiProblem } from '../../test/http';
import { aProject } from '../../test/fixtures';
import { renderWithProviders } from '../../test/render';

// The pattern for a page over a feature hook: typed MSW handler in, visible outcome out.
describe('ProjectsPage', () => {
  it('lists the projects the user belongs to', async () => {
    server.use(
      apiJson('get', '/api/v1/projects', 200, () => ({
        items: [aProject({ name: 'Apollo', key: 'APO' }), aProject({ id: 'p2', name: 'Gemini', key: 'GEM' })],
        nextCursor: null,
      })),
    );
    renderWithProviders(<ProjectsPage />);

    expect(await screen.findByRole('link', { name: /Apollo/ })).toHaveAttribute('href', `/projects/${aProject().id}/board`);
    expect(screen.getByRole('link', { name: /Gemini/ })).toBeInTheDocument();
  });

  it('says so when the projects cannot be loaded', async () => {
    server.use(apiProblem('get', '/api/v1/projects', { status: 500, title: 'Internal Server Error' }));
    renderWithProviders(<ProjectsPage />);

    expect(await screen.findByRole('alert')).toHaveTextContent('Could not load your projects');
  });

  it('shows archived projects on the Archived toggle and loads more pages with the cursor', async () => {
    server.use(
      apiJson('get', '/api/v1/projects', 200, ({ request }) => {
        const query = new URL(request.url).searchParams;
        if (query.get('archived') !== 'true') return { items: [aProject({ name: 'Active one' })], nextCursor: null };
        return query.get('cursor') === 'c2'
          ? { items: [aProject({ id: 'p3', name: 'Old two', key: 'OLD2' })], nextCursor: null }
          : { items: [aProject({ id: 'p2', name: 'Old one', key: 'OLD' })], nextCursor: 'c2' };
      }),
    );
    renderWithProviders(<ProjectsPage />);
    expect(await screen.findByRole('link', { name: /Active one/ })).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Archived' }));
    expect(await screen.findByRole('link', { name: /Old one/ })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Archived' })).toHaveAttribute('aria-pressed', 'true');

    await userEvent.click(screen.getByRole('button', { name: 'Load more projects' }));
    expect(await screen.findByRole('link', { name: /Old two/ })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /Old one/ })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more projects' })).not.toBeInTheDocument();
  });

  it('invites the user to create a first project when there is none', async () => {
    server.use(apiJson('get', '/api/v1/projects', 200, () => ({ items: [], nextCursor: null })));
    renderWithProviders(<ProjectsPage />);

    expect(await screen.findByText('You are not a member of any project yet.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Create your first project' })).toBeInTheDocument();
  });

  it('creates a project and opens its board', async () => {
    let sent: unknown;
    server.use(
      apiJson('get', '/api/v1/projects', 200, () => ({ items: [], nextCursor: null })),
      apiJson('post', '/api/v1/projects', 201, async ({ request }) => {
        sent = await request.json();
        return aProject({ id: 'new-id', key: 'WEB', name: 'Website' });
      }),
    );
    renderWithProviders(
      <Routes>
        <Route path="/projects" element={<ProjectsPage />} />
        <Route path="/projects/:projectId/board" element={<h1>Board here</h1>} />
      </Routes>,
      { route: '/projects' },
    );

    await userEvent.click(await screen.findByRole('button', { name: 'New project' }));
    const dialog = screen.getByRole('dialog', { name: 'New project' });
    expect(within(dialog).getByLabelText('Key')).toHaveFocus();
    await userEvent.type(within(dialog).getByLabelText('Key'), 'web');
    await userEvent.type(within(dialog).getByLabelText('Name'), 'Website');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create project' }));

    expect(await screen.findByRole('heading', { name: 'Board here' })).toBeInTheDocument();
    expect(sent).toEqual({ key: 'WEB', name: 'Website', description: null });
  });

  it('shows the key format error and a taken key on the key field', async () => {
    server.use(
      apiJson('get', '/api/v1/projects', 200, () => ({ items: [], nextCursor: null })),
      apiProblem('post', '/api/v1/projects', {
        status: 400,
        code: 'validation',
        errors: { Key: ['key must be 2 to 10 characters of A–Z and 0–9, starting with a letter (for example ABC or WEB2).'] },
      }),
    );
    renderWithProviders(<ProjectsPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'New project' }));
    const dialog = screen.getByRole('dialog', { name: 'New project' });
    await userEvent.type(within(dialog).getByLabelText('Key'), '1');
    await userEvent.type(within(dialog).getByLabelText('Name'), 'X');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create project' }));

    expect(await within(dialog).findByText(/key must be 2 to 10 characters/)).toBeInTheDocument();
    expect(within(dialog).getByLabelText('Key')).toHaveAttribute('aria-invalid', 'true');

    server.use(
      apiProblem('post', '/api/v1/projects', {
        status: 409,
        code: 'projects.key_taken',
        detail: 'Another project already uses this key; keys stay taken even when a project is archived.',
      }),
    );
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create project' }));
    expect(await within(dialog).findByText(/Another project already uses this key/)).toBeInTheDocument();
    expect(within(dialog).getByLabelText('Key')).toHaveAccessibleDescription(/Another project already uses this key/);
  });
});
