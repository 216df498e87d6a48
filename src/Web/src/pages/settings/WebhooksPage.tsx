import { useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { ApiError } from '../../api/problem';
import { Badge } from '../../components/atoms/Badge';
import { Button } from '../../components/atoms/Button';
import { DateTime } from '../../components/atoms/DateTime';
import { ConfirmDialog } from '../../components/molecules/ConfirmDialog';
import { Dialog } from '../../components/molecules/Dialog';
import { QueryState } from '../../components/molecules/QueryState';
import { SecretReveal } from '../../components/molecules/SecretReveal';
import { DeliveryLog } from '../../components/organisms/DeliveryLog';
import { ProjectNav } from '../../components/organisms/ProjectNav';
import { WebhookForm } from '../../components/organisms/WebhookForm';
import { atLeast, useMyProjectRole } from '../../features/members/hooks';
import {
  useDeleteWebhook,
  useRegisterWebhook,
  useUpdateWebhook,
  useWebhooks,
  type RegisteredWebhook,
  type Webhook,
} from '../../features/webhooks/hooks';
import { problemMessage } from '../../ui/problemMessage';
import { useToast } from '../../ui/toast';
import '../../styles/workspace.css';

export function WebhooksPage() {
  const { projectId = '' } = useParams();
  const { role, isPending: rolePending } = useMyProjectRole(projectId);
  const canManage = atLeast(role, 'maintainer');

  return (
    <>
      <ProjectNav projectId={projectId} />
      {rolePending ? null : canManage ? (
        <Webhooks projectId={projectId} />
      ) : (
        <section aria-labelledby="webhooks-heading">
          <h2 id="webhooks-heading">Webhooks</h2>
          <p className="muted">Only maintainers and owners can see and manage the project's webhooks.</p>
        </section>
      )}
    </>
  );
}

function Webhooks({ projectId }: { projectId: string }) {
  const webhooks = useWebhooks(projectId);
  const register = useRegisterWebhook(projectId);
  const remove = useDeleteWebhook(projectId);
  const update = useUpdateWebhook(projectId);
  const [editing, setEditing] = useState<Webhook | null>(null);
  const toast = useToast();
  const [params, setParams] = useSearchParams();
  const selectedId = params.get('webhook');
  const [creating, setCreating] = useState(false);
  const [registered, setRegistered] = useState<RegisteredWebhook | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const selected = webhooks.data?.find((hook) => hook.id === selectedId);

  const closeCreate = () => {
    register.reset();
    setCreating(false);
  };
  const closeEdit = () => {
    update.reset();
    setEditing(null);
  };
  const reenable = (hook: Webhook) =>
    update.mutate(
      { webhookId: hook.id, enabled: true },
      {
        onSuccess: () => toast.show('Webhook enabled again: new events will be delivered', { tone: 'success' }),
        onError: (error) => toast.show(problemMessage(error), { tone: 'error' }),
      },
    );
  const closeDelete = () => {
    remove.reset();
    setDeleting(null);
  };

  return (
    <section aria-labelledby="webhooks-heading">
      <div className="page-header">
        <h2 id="webhooks-heading">Webhooks</h2>
        <Button onClick={() => setCreating(true)}>Add webhook</Button>
      </div>
      {registered && (
        <div className="panel" role="region" aria-label="New webhook secret">
          <SecretReveal
            label={`Signing secret for ${registered.url}`}
            value={registered.secret}
            note="Copy it now: Orbit shows it only this once. Your receiver uses it to verify the webhook-signature header."
          />
          <Button variant="secondary" onClick={() => setRegistered(null)}>
            Done, I have copied it
          </Button>
        </div>
      )}
      <QueryState
        isPending={webhooks.isPending}
        isError={webhooks.isError}
        error={webhooks.error}
        what="webhooks"
        onRetry={() => void webhooks.refetch()}
      >
        {webhooks.data?.length === 0 ? (
          <div className="empty-state">
            <p>No webhooks yet. Add one to send this project's events to another system.</p>
          </div>
        ) : (
          <table className="data-table">
            <caption className="visually-hidden">The project's webhooks</caption>
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Events</th>
                <th scope="col">State</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {webhooks.data?.map((hook) => (
                <tr key={hook.id}>
                  <td className="mono">{hook.url}</td>
                  <td className="mono">{hook.events.includes('*') ? 'All events' : hook.events.join(', ')}</td>
                  <td>
                    <WebhookState webhook={hook} />
                  </td>
                  <td>
                    <DateTime value={hook.createdAt} />
                  </td>
                  <td className="cell-actions">
                    <Button
                      variant="secondary"
                      aria-pressed={hook.id === selectedId}
                      aria-label={`Deliveries of ${hook.url}`}
                      onClick={() => setParams(hook.id === selectedId ? {} : { webhook: hook.id }, { replace: true })}
                    >
                      Deliveries
                    </Button>
                    {hook.disabledAt && (
                      <Button
                        variant="secondary"
                        busy={update.isPending && update.variables.webhookId === hook.id && !editing}
                        aria-label={`Enable ${hook.url} again`}
                        onClick={() => reenable(hook)}
                      >
                        Re-enable
                      </Button>
                    )}
                    <Button variant="ghost" aria-label={`Edit ${hook.url}`} onClick={() => setEditing(hook)}>
                      Edit
                    </Button>
                    <Button variant="ghost" aria-label={`Delete ${hook.url}`} onClick={() => setDeleting(hook)}>
                      Delete
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
      {selected && <DeliveryLog key={selected.id} webhookId={selected.id} url={selected.url} />}
      <Dialog open={creating} title="Add webhook" onClose={closeCreate}>
        <WebhookForm
          submitLabel="Add webhook"
          busy={register.isPending}
          error={register.error}
          onCancel={closeCreate}
          onSubmit={(body) =>
            register.mutate(body, {
              onSuccess: (hook) => {
                setRegistered(hook);
                closeCreate();
                setParams({ webhook: hook.id }, { replace: true });
              },
            })
          }
        />
      </Dialog>
      <Dialog open={editing !== null} title="Edit webhook" onClose={closeEdit}>
        {editing && (
          <WebhookForm
            initialUrl={editing.url}
            initialEvents={editing.events}
            submitLabel="Save webhook"
            busy={update.isPending}
            error={update.error}
            onCancel={closeEdit}
            onSubmit={(body) =>
              update.mutate(
                { webhookId: editing.id, ...body },
                {
                  onSuccess: () => {
                    toast.show('Webhook saved', { tone: 'success' });
                    closeEdit();
                  },
                },
              )
            }
          />
        )}
      </Dialog>
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this webhook?"
        confirmLabel="Delete webhook"
        busy={remove.isPending}
        error={remove.error ? problemMessage(remove.error) : undefined}
        onCancel={closeDelete}
        onConfirm={() => {
          if (!deleting) return;
          remove.mutate(deleting.id, {
            onSuccess: () => {
              toast.show('Webhook deleted', { tone: 'success' });
              if (deleting.id === selectedId) setParams({}, { replace: true });
              closeDelete();
            },
            onError: (error) => {
              if (error instanceof ApiError && error.status === 404) closeDelete();
            },
          });
        }}
      >
        <p>
          Orbit stops sending events to <span className="mono">{deleting?.url}</span>. Its delivery log goes with it.
        </p>
      </ConfirmDialog>
    </section>
  );
}

function WebhookState({ webhook }: { webhook: Webhook }) {
  if (webhook.disabledAt) {
    return (
      <>
        <Badge tone="danger">Disabled</Badge>{' '}
        <span className="muted">
          since <DateTime value={webhook.disabledAt} />
        </span>
      </>
    );
  }
  if (webhook.failingSince) {
    return (
      <>
        <Badge tone="warning">Failing</Badge>{' '}
        <span className="muted">
          since <DateTime value={webhook.failingSince} />
        </span>
      </>
    );
  }
  return <Badge tone="success">Active</Badge>;
}
