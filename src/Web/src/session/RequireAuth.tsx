import { Navigate, Outlet, useLocation } from 'react-router';
import { useSession } from './context';
import { Spinner } from '../components/atoms/Spinner';

/**
 * Route guard: signed-out visitors go to /sign-in?next=<where they were going>, with reason=ended when the server
 * ended their session (sign-in then says so).
 */
export function RequireAuth() {
  const { status, ended } = useSession();
  const location = useLocation();
  if (status === 'loading') return <Spinner label="Restoring your session" />;
  if (status === 'signedOut') {
    const next = encodeURIComponent(location.pathname + location.search + location.hash);
    return <Navigate to={`/sign-in?next=${next}${ended ? '&reason=ended' : ''}`} replace />;
  }
  return <Outlet />;
}

/** Where to go after signing in: only same-app paths, never another origin. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/projects';
}
