import { Outlet } from 'react-router';
import { AppHeader } from '../organisms/AppHeader';
import { NotificationBell } from '../organisms/NotificationBell';
import { ProjectSwitcher } from '../organisms/ProjectSwitcher';

/** Signed-in pages: skip link, header, one main landmark that the skip link targets. */
export function AppLayout() {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppHeader projectSwitcher={<ProjectSwitcher />} notificationBell={<NotificationBell />} />
      <main id="main" className="app-main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
