import { isRouteErrorResponse, useLocation, useNavigate, useNavigation, useRouteError } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/problem';
import { Button } from '../components/atoms/Button';

/**
 * Every route's `ErrorBoundary` (routes.tsx). Retry resets failed queries and re-enters the route, which
 * clears the router's error state and re-renders the page, so it fetches again. The error itself is reported
 * by the root's onCaughtError (main.tsx), which also has the component stack.
 */
export function RouteErrorBoundary() {
  const error = useRouteError();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const { pathname, search, hash } = useLocation();

  const retry = () => {
    void queryClient.resetQueries({ predicate: (query) => query.state.status === 'error' });
    // Navigating to the same URL gives the router a new location, which clears its error state (and reruns
    // any loader); revalidate() alone leaves a render error in place.
    void navigate({ pathname, search, hash }, { replace: true, preventScrollReset: true });
  };

  return (
    <section className="route-error" role="alert" aria-labelledby="route-error-heading">
      <h1 id="route-error-heading">Something went wrong</h1>
      <p>{describe(error)}</p>
      {error instanceof ApiError && error.traceId && <p className="muted">Reference: {error.traceId}</p>}
      <Button onClick={retry} disabled={navigation.state !== 'idle'}>
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
