import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { renderApp } from '../test/render';
import { aUser } from '../test/fixtures';
import { safeNext } from './RequireAuth';

describe('RequireAuth', () => {
  it('sends a signed-out visitor to sign-in, remembering where they were going', async () => {
    const { router } = renderApp('/notifications?unread=true', { user: null });

    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/sign-in');
    expect(router.state.location.search).toBe('?next=%2Fnotifications%3Funread%3Dtrue');
  });

  it('lets a signed-in user through', async () => {
    renderApp('/notifications', { user: aUser() });

    expect(await screen.findByRole('heading', { name: 'Notifications' })).toBeInTheDocument();
  });

  it('keeps admin pages from non-admins', async () => {
    renderApp('/admin/users', { user: aUser({ roles: [] }) });

    expect(await screen.findByRole('heading', { name: 'Administrators only' })).toBeInTheDocument();
  });

  it('only follows same-app paths after sign-in', () => {
    expect(safeNext('/tasks/ORB-1')).toBe('/tasks/ORB-1');
    expect(safeNext('//evil.example')).toBe('/projects');
    expect(safeNext('https://evil.example')).toBe('/projects');
    expect(safeNext(null)).toBe('/projects');
  });
});
