import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { ProjectSettingsPage } from './ProjectSettingsPage';
import { server } from '../../test/server';
import { apiJson, apiProblem } from '../../test/http';
import { aProject } from '../../test/fixtures';
import { renderWithProviders } from '../../test/render';
import { apiNoContent } from '../../test/apiNoContent';
import { aMember, PROJECT } from '../../test/workspaceFixtures';
import type { components } from '../../api/schema';

function renderSettings(role: components['schemas']['ProjectRole'], project = aProject({ version: 3 })) {
  server.use(
    apiJson('get', '/api/v1/projects/{projectId}', 200, () => project),
    apiJson('get', '/api/v1/projects/{projectId}/members', 200, () => ({ items: [aMember({ role })], nextCursor: null })),
  );
  renderWithProviders(
    <Routes>
      <Route path="/projects/:projectId/settings" element={<ProjectSettingsPage />} />
    </Routes>,
    { route: `/projects/${PROJECT}/settings` },
  );
}

describe('ProjectSettingsPage', () => {
  it('renames the project with If-Match carrying the version the user edited', async () => {
    let ifMatch: string | null = null;
    let sent: unknown;
    server.use(
      apiJson('patch', '/api/v1/projects/{projectId}', 200, async ({ request }) => {
        ifMatch = request.headers.get('If-Match');
        sent = await request.json();
        return aProject({ name: 'Renamed', version: 4 });
      }),
    );
    renderSettings('owner');

    const name = await screen.findByLabelText('Name');
    await userEvent.clear(name);
    await userEvent.type(name, 'Renamed');
    await userEvent.type(screen.getByLabelText('Description'), 'What we build');
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }));

    expect(await screen.findByText('Project saved')).toBeInTheDocument();
    expect(ifMatch).toBe('"3"');
    expect(sent).toEqual({ name: 'Renamed', description: 'What we build' });
  });

  it('explains a 412 (someone else saved first)', async () => {
    server.use(apiProblem('patch', '/api/v1/projects/{projectId}', { status: 412, code: 'precondition_failed' }));
    renderSettings('maintainer');

    await userEvent.click(await screen.findByRole('button', { name: 'Save changes' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Someone else changed this project');
  });

  it('archives after confirmation', async () => {
    let archivedWith: string | null = null;
    server.use(
      apiNoContent('delete', '/api/v1/projects/{projectId}', (request) => {
        archivedWith = request.headers.get('If-Match');
      }),
    );
    renderSettings('owner');

    await userEvent.click(await screen.findByRole('button', { name: 'Archive project' }));
    const dialog = screen.getByRole('dialog', { name: /Archive Orbit/ });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Archive' }));

    expect(await screen.findByText('ORB archived')).toBeInTheDocument();
    expect(archivedWith).toBe('"3"');
  });

  it('restores an archived project', async () => {
    server.use(apiJson('post', '/api/v1/projects/{projectId}/restore', 200, () => aProject()));
    renderSettings('owner', aProject({ archivedAt: '2026-01-05T00:00:00Z', archivedBy: aProject().createdBy }));

    expect(await screen.findByText('The project is archived: restore it to edit.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Restore project' }));
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Restore' }));
    expect(await screen.findByText('ORB restored')).toBeInTheDocument();
  });

  it('hides the controls from a viewer', async () => {
    renderSettings('viewer');

    expect(await screen.findByText('Only maintainers and owners can change the project.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Save changes' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Archive project' })).not.toBeInTheDocument();
    expect(screen.getByLabelText('Name')).toHaveAttribute('readonly');
  });
});
