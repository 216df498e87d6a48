import type { ComponentType } from 'react';
import { Navigate, type RouteObject } from 'react-router';
import { Spinner } from './components/atoms/Spinner';
import { AppLayout } from './components/templates/AppLayout';
import { AuthLayout } from './components/templates/AuthLayout';
import { RequireAdmin } from './session/RequireAdmin';
import { RequireAuth } from './session/RequireAuth';
import { RouteErrorBoundary } from './ui/RouteErrorBoundary';

/**
 * Every route of the app. Pages are code-split (`lazy`) and each has its own error boundary, so a failing page
 * keeps the header and navigation. Feature engineers fill the page files; add routes here only.
 */
function page(load: () => Promise<ComponentType>): Pick<RouteObject, 'lazy' | 'ErrorBoundary'> {
  return { lazy: async () => ({ Component: await load() }), ErrorBoundary: RouteErrorBoundary };
}

export const routes: RouteObject[] = [
  {
    ErrorBoundary: RouteErrorBoundary,
    HydrateFallback: () => <Spinner label="Loading Orbit" />,
    children: [
      {
        Component: AuthLayout,
        children: [
          { path: 'sign-in', ...page(() => import('./pages/auth/SignInPage').then((m) => m.SignInPage)) },
          { path: 'register', ...page(() => import('./pages/auth/RegisterPage').then((m) => m.RegisterPage)) },
        ],
      },
      {
        Component: RequireAuth,
        children: [
          {
            Component: AppLayout,
            children: [
              { index: true, element: <Navigate to="/projects" replace /> },
              { path: 'projects', ...page(() => import('./pages/projects/ProjectsPage').then((m) => m.ProjectsPage)) },
              {
                path: 'projects/:projectId/board',
                ...page(() => import('./pages/tasks/BoardPage').then((m) => m.BoardPage)),
              },
              {
                path: 'projects/:projectId/list',
                ...page(() => import('./pages/tasks/ListPage').then((m) => m.ListPage)),
              },
              {
                path: 'projects/:projectId/trash',
                ...page(() => import('./pages/tasks/TrashPage').then((m) => m.TrashPage)),
              },
              {
                path: 'projects/:projectId/settings',
                ...page(() => import('./pages/projects/ProjectSettingsPage').then((m) => m.ProjectSettingsPage)),
              },
              {
                path: 'projects/:projectId/members',
                ...page(() => import('./pages/projects/MembersPage').then((m) => m.MembersPage)),
              },
              {
                path: 'projects/:projectId/webhooks',
                ...page(() => import('./pages/settings/WebhooksPage').then((m) => m.WebhooksPage)),
              },
              { path: 'tasks/:key', ...page(() => import('./pages/tasks/TaskPage').then((m) => m.TaskPage)) },
              {
                path: 'notifications',
                ...page(() => import('./pages/notifications/NotificationsPage').then((m) => m.NotificationsPage)),
              },
              {
                path: 'settings/tokens',
                ...page(() => import('./pages/settings/TokensPage').then((m) => m.TokensPage)),
              },
              {
                path: 'settings/security',
                ...page(() => import('./pages/settings/SecurityPage').then((m) => m.SecurityPage)),
              },
              {
                path: 'admin',
                Component: RequireAdmin,
                children: [
                  {
                    path: 'users',
                    ...page(() => import('./pages/admin/AdminUsersPage').then((m) => m.AdminUsersPage)),
                  },
                  {
                    path: 'audit',
                    ...page(() => import('./pages/admin/AdminAuditPage').then((m) => m.AdminAuditPage)),
                  },
                ],
              },
              { path: '*', ...page(() => import('./pages/NotFoundPage').then((m) => m.NotFoundPage)) },
            ],
          },
        ],
      },
    ],
  },
];
