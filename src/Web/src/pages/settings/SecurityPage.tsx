import { useState, type FormEvent } from 'react';
import { Button } from '../../components/atoms/Button';
import { Input } from '../../components/atoms/Input';
import { ConfirmDialog } from '../../components/molecules/ConfirmDialog';
import { FormField } from '../../components/molecules/FormField';
import { useChangePassword, useSignOutEverywhere } from '../../features/account/hooks';
import { useSession } from '../../session/context';
import { fieldError, formLevelError, problemMessage } from '../../ui/problemMessage';
import { useToast } from '../../ui/toast';
import '../../styles/workspace.css';

/** Account security: change the password (other sessions end), sign out everywhere. */
export function SecurityPage() {
  return (
    <section aria-labelledby="security-heading">
      <h1 id="security-heading">Security</h1>
      <ChangePasswordForm />
      <SignOutEverywhere />
    </section>
  );
}

function ChangePasswordForm() {
  const change = useChangePassword();
  const toast = useToast();

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    change.mutate(
      {
        currentPassword: String(form.get('currentPassword') ?? ''),
        newPassword: String(form.get('newPassword') ?? ''),
        revokePersonalAccessTokens: form.get('revokePersonalAccessTokens') === 'on',
      },
      {
        onSuccess: () => {
          formElement.reset();
          toast.show('Password changed. Your other sessions are signed out.', { tone: 'success' });
        },
      },
    );
  };

  return (
    <div className="panel">
      <h2>Change password</h2>
      <p className="muted">
        At least 12 characters; common and breached passwords are refused. Every other device you are signed in on is
        signed out.
      </p>
      <form onSubmit={onSubmit} noValidate>
        <FormField label="Current password" error={fieldError(change.error, 'currentPassword')}>
          {(control) => <Input {...control} name="currentPassword" type="password" autoComplete="current-password" required />}
        </FormField>
        <FormField label="New password" error={fieldError(change.error, 'newPassword')}>
          {(control) => <Input {...control} name="newPassword" type="password" autoComplete="new-password" required />}
        </FormField>
        <label className="checkbox">
          <input type="checkbox" name="revokePersonalAccessTokens" /> Also revoke my personal access tokens
        </label>
        <Button type="submit" busy={change.isPending}>
          Change password
        </Button>
      </form>
      {formLevelError(change.error) && (
        <p className="form-error" role="alert">
          {formLevelError(change.error)}
        </p>
      )}
    </div>
  );
}

function SignOutEverywhere() {
  const [confirming, setConfirming] = useState(false);
  const signOutEverywhere = useSignOutEverywhere();
  const { signOut } = useSession();

  return (
    <div className="panel">
      <h2>Sign out everywhere</h2>
      <p className="muted">Ends every session of yours, on every device, this one included. Personal access tokens keep working.</p>
      <Button variant="secondary" onClick={() => setConfirming(true)}>
        Sign out everywhere
      </Button>
      <ConfirmDialog
        open={confirming}
        title="Sign out everywhere?"
        confirmLabel="Sign out everywhere"
        busy={signOutEverywhere.isPending}
        error={signOutEverywhere.error ? problemMessage(signOutEverywhere.error) : undefined}
        onCancel={() => {
          signOutEverywhere.reset();
          setConfirming(false);
        }}
        onConfirm={() => signOutEverywhere.mutate(undefined, { onSuccess: () => void signOut() })}
      >
        <p>You will have to sign in again here and on every other device.</p>
      </ConfirmDialog>
    </div>
  );
}
