import { Outlet } from 'react-router';

/** Sign-in and registration: a centred card, no navigation. */
export function AuthLayout() {
  return (
    <main id="main" className="auth-layout">
      <div className="auth-layout__card">
        <p className="auth-layout__brand">Orbit</p>
        <Outlet />
      </div>
    </main>
  );
}
