import { Outlet } from 'react-router';
import { useSession } from './context';

/** Admin-only routes; nest inside RequireAuth. */
export function RequireAdmin() {
  const { isAdmin } = useSession();
  if (!isAdmin) {
    return (
      <section aria-labelledby="forbidden-heading">
        <h1 id="forbidden-heading">Administrators only</h1>
        <p>You need the admin role to see this page.</p>
      </section>
    );
  }
  return <Outlet />;
}
