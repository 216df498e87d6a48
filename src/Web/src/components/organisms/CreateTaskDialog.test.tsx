import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CreateTaskDialog } from './CreateTaskDialog';
import { server } from '../../test/server';
import { apiJson, apiProblem } from '../../test/http';
import { renderWithProviders } from '../../test/render';
import { aMember, PROJECT_ID } from '../../features/tasks/testing';

// Typing with user-event is slow on a loaded machine: more than the default 5 s per test.
describe('CreateTaskDialog', { timeout: 20_000 }, () => {
  it('requires a title, then shows the API field errors under their fields', async () => {
    server.use(
      apiJson('get', '/api/v1/projects/{projectId}/members', 200, () => ({ items: [aMember()], nextCursor: null })),
      apiProblem('post', '/api/v1/projects/{projectId}/tasks', {
        status: 400,
        title: 'Validation failed',
        errors: { DueDate: ['dueDate must be a valid date.'] },
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<CreateTaskDialog projectId={PROJECT_ID} open onClose={() => undefined} />);

    await user.click(screen.getByRole('button', { name: 'Create task' }));
    expect(screen.getByRole('textbox', { name: 'Title' })).toHaveAccessibleDescription('Give the task a title.');

    await user.type(screen.getByRole('textbox', { name: 'Title' }), 'Plan the launch');
    await user.click(screen.getByRole('button', { name: 'Create task' }));
    expect(await screen.findByText('dueDate must be a valid date.')).toBeInTheDocument();
    expect(screen.getByLabelText('Due date')).toHaveAttribute('aria-invalid', 'true');
  });
});
