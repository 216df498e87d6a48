import { NavLink } from 'react-router';

/** Tabs between the administration pages. */
export function AdminNav() {
  return (
    <nav aria-label="Administration" className="project-nav__tabs">
      <NavLink to="/admin/users">Users</NavLink>
      <NavLink to="/admin/audit">Audit log</NavLink>
    </nav>
  );
}
