import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api/client';
import { ApiError, unwrap } from '../../api/problem';
import { Button } from '../../components/atoms/Button';
import { Input } from '../../components/atoms/Input';
import { FormField } from '../../components/molecules/FormField';
import { useSession } from '../../session/context';

export function RegisterPage() {
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email') ?? '');
    const password = String(form.get('password') ?? '');
    const displayName = String(form.get('displayName') ?? '');
    setBusy(true);
    setError(null);
    try {
      unwrap(await api.POST('/api/v1/auth/register', { body: { email, password, displayName } }));
      await signIn(email, password);
      void navigate('/projects', { replace: true });
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError({ status: 0, title: 'Could not reach Orbit' }));
    } finally {
      setBusy(false);
    }
  };

  const hasFieldErrors = error !== null && Object.keys(error.errors).length > 0;
  return (
    <>
      <h1>Create an account</h1>
      <form onSubmit={onSubmit} noValidate>
        {error && !hasFieldErrors && (
          <p className="form-error" role="alert">
            {error.status === 409 ? 'An account with this email already exists.' : (error.detail ?? error.title)}
          </p>
        )}
        <FormField label="Display name" error={error?.fieldError('displayName')}>
          {(control) => <Input {...control} name="displayName" autoComplete="name" required />}
        </FormField>
        <FormField label="Email" error={error?.fieldError('email')}>
          {(control) => <Input {...control} name="email" type="email" autoComplete="email" required />}
        </FormField>
        <FormField label="Password" hint="At least 12 characters." error={error?.fieldError('password')}>
          {(control) => <Input {...control} name="password" type="password" autoComplete="new-password" required />}
        </FormField>
        <Button type="submit" busy={busy}>
          Create account
        </Button>
      </form>
      <p>
        Already have an account? <Link to="/sign-in">Sign in</Link>
      </p>
    </>
  );
}
