import { useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../../api/problem';
import { Button } from '../../components/atoms/Button';
import { Input } from '../../components/atoms/Input';
import { FormField } from '../../components/molecules/FormField';
import { useSession } from '../../session/context';
import { safeNext } from '../../session/RequireAuth';

export function SignInPage() {
  const { status, signIn } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get('next'));
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  if (status === 'signedIn') return <Navigate to={next} replace />;

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await signIn(String(form.get('email') ?? ''), String(form.get('password') ?? ''));
      void navigate(next, { replace: true });
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError({ status: 0, title: 'Could not reach Orbit' }));
    } finally {
      setBusy(false);
    }
  };

  const hasFieldErrors = error !== null && Object.keys(error.errors).length > 0;
  return (
    <>
      <h1>Sign in</h1>
      {params.get('reason') === 'ended' && !error && (
        <p className="form-error" role="alert">
          Your session ended — sign in again.
        </p>
      )}
      <form onSubmit={onSubmit} noValidate>
        {error && !hasFieldErrors && (
          <p className="form-error" role="alert">
            {error.status === 401 ? 'Email or password is incorrect.' : (error.detail ?? error.title)}
          </p>
        )}
        <FormField label="Email" error={error?.fieldError('email')}>
          {(control) => <Input {...control} name="email" type="email" autoComplete="username" required />}
        </FormField>
        <FormField label="Password" error={error?.fieldError('password')}>
          {(control) => <Input {...control} name="password" type="password" autoComplete="current-password" required />}
        </FormField>
        <Button type="submit" busy={busy}>
          Sign in
        </Button>
      </form>
      <p>
        New to Orbit? <Link to="/register">Create an account</Link>
      </p>
    </>
  );
}
