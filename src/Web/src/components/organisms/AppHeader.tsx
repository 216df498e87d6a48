import type { ReactNode } from 'react';
import { Link, NavLink } from 'react-router';
import { useSession } from '../../session/context';
import { useTheme } from '../../ui/theme';
import { Avatar } from '../atoms/Avatar';
import { Button } from '../atoms/Button';

/**
 * Top bar: brand, main nav, project switcher (placeholder until the projects feature fills it), the
 * notification bell slot and the user menu.
 */
export function AppHeader({ projectSwitcher, notificationBell }: { projectSwitcher?: ReactNode; notificationBell?: ReactNode }) {
  const { user, isAdmin, signOut } = useSession();
  const { theme, toggleTheme } = useTheme();

  return (
    <header className="app-header">
      <Link className="app-header__brand" to="/projects">
        Orbit
      </Link>
      <nav aria-label="Main" className="app-header__nav">
        <NavLink to="/projects">Projects</NavLink>
        <NavLink to="/notifications">Notifications</NavLink>
        <NavLink to="/settings/tokens">Tokens</NavLink>
        <NavLink to="/settings/security">Security</NavLink>
        {isAdmin && <NavLink to="/admin/users">Admin</NavLink>}
      </nav>
      <div className="app-header__slot">{projectSwitcher}</div>
      <div className="app-header__actions">
        {notificationBell}
        <Button variant="ghost" onClick={toggleTheme} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
          {theme === 'dark' ? '☀' : '☾'}
        </Button>
        {user && (
          <details className="user-menu">
            <summary>
              {/* Hidden text rather than aria-label: the accessible name must contain the visible initials (axe). */}
              <span className="visually-hidden">Account: {user.displayName}</span>
              <Avatar name={user.displayName} decorative />
            </summary>
            <div className="user-menu__panel">
              <p className="user-menu__who">
                <strong>{user.displayName}</strong>
                <br />
                <span className="muted">{user.email}</span>
              </p>
              <Button variant="secondary" onClick={() => void signOut()}>
                Sign out
              </Button>
            </div>
          </details>
        )}
      </div>
    </header>
  );
}
