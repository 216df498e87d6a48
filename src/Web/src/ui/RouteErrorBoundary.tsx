import { isRouteErrorResponse, useRevalidator, useRouteError } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/problem';
import { Button } from '../components/atoms/Button';

/**
 * Every route's `ErrorBoundary` (routes.tsx). Retry resets failed queries and revalidates the route, which
 * clears the router's error state and re-renders the page, so it fetches again. The error itself is reported
 * by the root's onCaughtError (main.tsx), which also has the component stack.
 */
export function RouteErrorBoundary() {
  const error = useRouteError();
  const queryClient = useQueryClient();
  const revalidator = useRevalidator();

  const retry = () => {
    void queryClient.resetQueries({ predicate: (query) => query.state.status === 'error' });
    void revalidator.revalidate();
  };

  return (
    <section className="route-error" role="alert" aria-labelledby="route-error-heading">
      <h1 id="route-error-heading">Something went wrong</h1>
      <p>{describe(error)}</p>
      {error instanceof ApiError && error.traceId && <p className="muted">Reference: {error.traceId}</p>}
      <Button onClick={retry} disabled={revalidator.state === 'loading'}>
        Retry
      </Button>
    </section>
  );
}

function describe(error: unknown): string {
  if (error instanceof ApiError) return error.detail ?? error.title;
  if (isRouteErrorResponse(error)) return `${error.status} ${error.statusText}`;
  if (error instanceof Error) return error.message;
  return 'An unexpected error occurred.';
}
