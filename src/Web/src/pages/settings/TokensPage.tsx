import { useState, type FormEvent } from 'react';
import { Badge } from '../../components/atoms/Badge';
import { Button } from '../../components/atoms/Button';
import { DateTime } from '../../components/atoms/DateTime';
import { Input } from '../../components/atoms/Input';
import { Select } from '../../components/atoms/Select';
import { ConfirmDialog } from '../../components/molecules/ConfirmDialog';
import { FormField } from '../../components/molecules/FormField';
import { QueryState } from '../../components/molecules/QueryState';
import { SecretReveal } from '../../components/molecules/SecretReveal';
import {
  useCreateToken,
  useRevokeToken,
  useTokens,
  type CreatedToken,
  type PersonalAccessToken,
  type TokenScope,
} from '../../features/tokens/hooks';
import { fieldError, formLevelError, problemMessage } from '../../ui/problemMessage';
import { useToast } from '../../ui/toast';
import '../../styles/workspace.css';

/** The date input's yyyy-mm-dd as the end of that day in the user's time zone, as an ISO instant. */
function endOfDay(date: string): string | null {
  if (!date) return null;
  const parsed = new Date(`${date}T23:59:59`);
  return Number.isNaN(parsed.getTime()) ? null : parsed.toISOString();
}

function tokenState(token: PersonalAccessToken): { label: string; tone: 'success' | 'warning' | 'danger' } {
  if (token.revokedAt) return { label: 'Revoked', tone: 'danger' };
  if (Date.parse(token.expiresAt) <= Date.now()) return { label: 'Expired', tone: 'warning' };
  return { label: 'Active', tone: 'success' };
}

export function TokensPage() {
  const tokens = useTokens();
  const [revoking, setRevoking] = useState<PersonalAccessToken | null>(null);
  const revoke = useRevokeToken();
  const toast = useToast();

  const closeRevoke = () => {
    revoke.reset();
    setRevoking(null);
  };

  return (
    <section aria-labelledby="tokens-heading">
      <h1 id="tokens-heading">Personal access tokens</h1>
      <p className="muted">
        Tokens let scripts and tools call the Orbit API as you (send <code>Authorization: Bearer &lt;token&gt;</code>).
        Treat them like passwords. A read-only token can only read; no token can manage tokens or change your password.
      </p>
      <CreateTokenForm />
      <div className="section">
        <h2>Your tokens</h2>
        <QueryState
          isPending={tokens.isPending}
          isError={tokens.isError}
          error={tokens.error}
          what="your tokens"
          onRetry={() => void tokens.refetch()}
        >
          {tokens.data?.length === 0 ? (
            <div className="empty-state">
              <p>No tokens yet.</p>
            </div>
          ) : (
            <table className="data-table">
              <caption className="visually-hidden">Your personal access tokens</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Created</th>
                  <th scope="col">Access</th>
                  <th scope="col">Expires</th>
                  <th scope="col">State</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tokens.data?.map((token) => {
                  const state = tokenState(token);
                  return (
                    <tr key={token.id}>
                      <td>{token.name}</td>
                      <td>
                        <DateTime value={token.createdAt} />
                      </td>
                      <td>{token.scope === 'read' ? 'Read only' : 'Read and write'}</td>
                      <td>
                        <DateTime value={token.expiresAt} fallback="Never" />
                      </td>
                      <td>
                        <Badge tone={state.tone}>{state.label}</Badge>
                      </td>
                      <td className="cell-actions">
                        {state.label === 'Active' && (
                          <Button variant="secondary" onClick={() => setRevoking(token)} aria-label={`Revoke ${token.name}`}>
                            Revoke
                          </Button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </QueryState>
      </div>
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke ${revoking?.name ?? 'token'}?`}
        confirmLabel="Revoke token"
        busy={revoke.isPending}
        error={revoke.error ? problemMessage(revoke.error) : undefined}
        onCancel={closeRevoke}
        onConfirm={() => {
          if (!revoking) return;
          revoke.mutate(revoking.id, {
            onSuccess: () => {
              toast.show(`Token ${revoking.name} revoked`, { tone: 'success' });
              closeRevoke();
            },
          });
        }}
      >
        <p>Anything using this token stops working at once. This cannot be undone.</p>
      </ConfirmDialog>
    </section>
  );
}

function CreateTokenForm() {
  const create = useCreateToken();
  const [created, setCreated] = useState<CreatedToken | null>(null);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    create.mutate(
      {
        name: String(form.get('name') ?? '').trim(),
        expiresAt: endOfDay(String(form.get('expiresAt') ?? '')),
        scope: (form.get('scope') === 'read-write' ? 'read-write' : 'read') satisfies TokenScope,
      },
      {
        onSuccess: (token) => {
          setCreated(token);
          formElement.reset();
        },
      },
    );
  };

  return (
    <div className="panel">
      <h2>New token</h2>
      <form className="form-inline" onSubmit={onSubmit} noValidate>
        <FormField label="Name" hint="What uses it, e.g. CI" error={fieldError(create.error, 'name')}>
          {(control) => <Input {...control} name="name" autoComplete="off" required />}
        </FormField>
        <FormField label="Expires on" hint="Optional; leave empty for no expiry" error={fieldError(create.error, 'expiresAt')}>
          {(control) => <Input {...control} name="expiresAt" type="date" />}
        </FormField>
        <FormField label="Access" hint="Read only unless the tool must change things" error={fieldError(create.error, 'scope')}>
          {(control) => (
            <Select {...control} name="scope" defaultValue="read">
              <option value="read">Read only</option>
              <option value="read-write">Read and write</option>
            </Select>
          )}
        </FormField>
        <Button type="submit" busy={create.isPending}>
          Create token
        </Button>
      </form>
      {formLevelError(create.error) && (
        <p className="form-error" role="alert">
          {formLevelError(create.error)}
        </p>
      )}
      {created && (
        <>
          <SecretReveal
            label={`Token ${created.name}`}
            value={created.token}
            note="Copy it now: Orbit shows it only this once and stores only a hash."
          />
          <Button variant="secondary" onClick={() => setCreated(null)}>
            Done, I have copied it
          </Button>
        </>
      )}
    </div>
  );
}
