import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClientProvider } from '@tanstack/react-query';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { RouteErrorBoundary } from './RouteErrorBoundary';
import { testQueryClient } from '../test/render';

describe('RouteErrorBoundary', () => {
  it('shows the failure and renders the page again on Retry', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let broken = true;
    function Flaky() {
      if (broken) throw new Error('Boom');
      return <h1>Recovered</h1>;
    }
    const router = createMemoryRouter([{ path: '/', Component: Flaky, ErrorBoundary: RouteErrorBoundary }]);
    render(
      <QueryClientProvider client={testQueryClient()}>
        <RouterProvider router={router} />
      </QueryClientProvider>,
    );

    expect(await screen.findByRole('heading', { name: 'Something went wrong' })).toBeInTheDocument();
    expect(screen.getByText('Boom')).toBeInTheDocument();

    broken = false;
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));

    expect(await screen.findByRole('heading', { name: 'Recovered' })).toBeInTheDocument();
  });
});
