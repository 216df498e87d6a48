import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
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
});
