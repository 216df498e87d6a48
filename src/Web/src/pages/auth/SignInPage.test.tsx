import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { SignInPage } from './SignInPage';
import { server } from '../../test/server';
import { apiJson, apiProblem } from '../../test/http';
import { aTokenResponse } from '../../test/fixtures';
import { renderWithProviders } from '../../test/render';

describe('SignInPage', () => {
  it('shows the field errors of a 400 problem document next to their fields', async () => {
    server.use(
      apiProblem('post', '/api/v1/auth/login', {
        status: 400,
        title: 'One or more validation errors occurred.',
        code: 'validation',
        errors: { Email: ["'Email' is not a valid email address."], Password: ["'Password' must not be empty."] },
      }),
    );
    renderWithProviders(<SignInPage />, { user: null, route: '/sign-in' });

    await userEvent.type(screen.getByLabelText('Email'), 'not-an-email');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    const email = screen.getByLabelText('Email');
    expect(await screen.findByText("'Email' is not a valid email address.")).toBeInTheDocument();
    expect(email).toHaveAttribute('aria-invalid', 'true');
    expect(email).toHaveAccessibleDescription("'Email' is not a valid email address.");
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription("'Password' must not be empty.");
  });

  it('says the credentials are wrong on a 401', async () => {
    server.use(apiProblem('post', '/api/v1/auth/login', { status: 401, title: 'Unauthorized', code: 'auth.invalid_credentials' }));
    renderWithProviders(<SignInPage />, { user: null, route: '/sign-in' });

    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.test');
    await userEvent.type(screen.getByLabelText('Password'), 'wrong password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Email or password is incorrect.');
  });

  it('goes to the page in ?next after signing in', async () => {
    server.use(apiJson('post', '/api/v1/auth/login', 200, () => aTokenResponse()));
    renderWithProviders(
      <Routes>
        <Route path="/sign-in" element={<SignInPage />} />
        <Route path="/notifications" element={<h1>Notifications here</h1>} />
      </Routes>,
      { user: null, route: '/sign-in?next=%2Fnotifications' },
    );

    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.test');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse battery');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('heading', { name: 'Notifications here' })).toBeInTheDocument();
  });
});
