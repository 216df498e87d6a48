import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { WebhooksPage } from './WebhooksPage';
import { server } from '../../test/server';
import { apiJson, apiProblem } from '../../test/http';
import { aProject } from '../../test/fixtures';
import { renderWithProviders } from '../../test/render';
import { apiNoContent } from '../../test/apiNoContent';
import { aDelivery, aMember, aWebhook, PROJECT } from '../../test/workspaceFixtures';
import type { components } from '../../api/schema';

function renderWebhooks(role: components['schemas']['ProjectRole'] = 'maintainer', route = `/projects/${PROJECT}/webhooks`) {
  server.use(
    apiJson('get', '/api/v1/projects/{projectId}', 200, () => aProject()),
    apiJson('get', '/api/v1/projects/{projectId}/members', 200, () => ({ items: [aMember({ role })], nextCursor: null })),
  );
  renderWithProviders(
    <Routes>
      <Route path="/projects/:projectId/webhooks" element={<WebhooksPage />} />
    </Routes>,
    { route },
  );
}

describe('WebhooksPage', () => {
  it('registers a webhook for chosen events and shows its secret once', async () => {
    const hooks: components['schemas']['WebhookResponse'][] = [];
    let sent: unknown;
    server.use(
      apiJson('get', '/api/v1/projects/{projectId}/webhooks', 200, () => ({ items: hooks, nextCursor: null })),
      apiJson('post', '/api/v1/projects/{projectId}/webhooks', 201, async ({ request }) => {
        sent = await request.json();
        const events: components['schemas']['WebhookResponse']['events'] = ['task.created', 'comment.added'];
        hooks.push(aWebhook({ events }));
        return { ...aWebhook(), events, secret: 'whsec_abc' };
      }),
      apiJson('get', '/api/v1/webhooks/{webhookId}/deliveries', 200, () => ({ items: [], nextCursor: null })),
    );
    renderWebhooks();

    expect(await screen.findByText(/No webhooks yet/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Add webhook' }));
    const dialog = screen.getByRole('dialog', { name: 'Add webhook' });
    await userEvent.type(within(dialog).getByLabelText('Payload URL'), 'https://hooks.example.test/orbit');
    await userEvent.click(within(dialog).getByRole('checkbox', { name: 'All events' }));
    await userEvent.click(within(dialog).getByRole('checkbox', { name: 'task.created' }));
    await userEvent.click(within(dialog).getByRole('checkbox', { name: 'comment.added' }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add webhook' }));

    expect(await screen.findByLabelText(/Signing secret/)).toHaveValue('whsec_abc');
    expect(sent).toEqual({ url: 'https://hooks.example.test/orbit', events: ['task.created', 'comment.added'] });
    expect(await screen.findByRole('cell', { name: 'task.created, comment.added' })).toBeInTheDocument();
    expect(await screen.findByText(/No deliveries yet/)).toBeInTheDocument();
  });

  it('asks for at least one event, and shows the URL error from the API on the field', async () => {
    server.use(
      apiJson('get', '/api/v1/projects/{projectId}/webhooks', 200, () => ({ items: [], nextCursor: null })),
      apiProblem('post', '/api/v1/projects/{projectId}/webhooks', { status: 400, errors: { Url: ['url must be an absolute http(s) URL.'] } }),
    );
    renderWebhooks();
    await userEvent.click(await screen.findByRole('button', { name: 'Add webhook' }));
    const dialog = screen.getByRole('dialog', { name: 'Add webhook' });
    await userEvent.click(within(dialog).getByRole('checkbox', { name: 'All events' }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add webhook' }));
    expect(within(dialog).getByRole('alert')).toHaveTextContent('Pick at least one event');

    await userEvent.click(within(dialog).getByRole('checkbox', { name: 'All events' }));
    await userEvent.type(within(dialog).getByLabelText('Payload URL'), 'nope');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add webhook' }));
    expect(await within(dialog).findByText('url must be an absolute http(s) URL.')).toBeInTheDocument();
    expect(within(dialog).getByLabelText('Payload URL')).toHaveAttribute('aria-invalid', 'true');
  });

  it('shows the delivery log with status, attempts and response, and redelivers', async () => {
    let redelivered = '';
    server.use(
      apiJson('get', '/api/v1/projects/{projectId}/webhooks', 200, () => ({
        items: [aWebhook({ failingSince: '2026-01-02T00:00:00Z' })],
        nextCursor: null,
      })),
      apiJson('get', '/api/v1/webhooks/{webhookId}/deliveries', 200, () => ({
        items: [
          aDelivery(),
          aDelivery({ id: 'd2', status: 'failed', lastStatusCode: 500, lastError: 'HTTP 500: boom', deliveredAt: null }),
        ],
        nextCursor: null,
      })),
      apiJson('post', '/api/v1/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver', 202, ({ params }) => {
        redelivered = String(params.deliveryId);
        return aDelivery({ id: 'd2', status: 'pending' });
      }),
    );
    renderWebhooks('maintainer', `/projects/${PROJECT}/webhooks?webhook=${aWebhook().id}`);

    expect(await screen.findByText('Failing')).toBeInTheDocument();
    expect(await screen.findByText('HTTP 500')).toBeInTheDocument();
    expect(screen.getByText('HTTP 500: boom')).toBeInTheDocument();
    expect(screen.getByText('succeeded')).toBeInTheDocument();
    expect(screen.getByText('failed')).toBeInTheDocument();

    const [, failedRow] = screen.getAllByRole('button', { name: /^Redeliver/ });
    if (!failedRow) throw new Error('no second delivery row');
    await userEvent.click(failedRow);
    expect(await screen.findByText('Delivery queued again')).toBeInTheDocument();
    expect(redelivered).toBe('d2');
  });

  it('deletes a webhook after confirmation', async () => {
    let deleted = false;
    server.use(
      apiJson('get', '/api/v1/projects/{projectId}/webhooks', 200, () => ({ items: deleted ? [] : [aWebhook()], nextCursor: null })),
      apiNoContent('delete', '/api/v1/webhooks/{webhookId}', () => {
        deleted = true;
      }),
    );
    renderWebhooks();

    await userEvent.click(await screen.findByRole('button', { name: `Delete ${aWebhook().url}` }));
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete webhook' }));
    expect(await screen.findByText(/No webhooks yet/)).toBeInTheDocument();
  });

  it('edits a webhook’s events and re-enables a disabled one with PATCH', async () => {
    const patches: unknown[] = [];
    server.use(
      apiJson('get', '/api/v1/projects/{projectId}/webhooks', 200, () => ({
        items: [aWebhook({ disabledAt: patches.length > 0 ? null : '2026-01-03T00:00:00Z' })],
        nextCursor: null,
      })),
      apiJson('patch', '/api/v1/webhooks/{webhookId}', 200, async ({ request }) => {
        patches.push(await request.json());
        return aWebhook();
      }),
    );
    renderWebhooks();

    expect(await screen.findByText('Disabled')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: `Enable ${aWebhook().url} again` }));
    expect(await screen.findByText(/Webhook enabled again/)).toBeInTheDocument();
    expect(patches).toEqual([{ enabled: true }]);

    await userEvent.click(screen.getByRole('button', { name: `Edit ${aWebhook().url}` }));
    const dialog = screen.getByRole('dialog', { name: 'Edit webhook' });
    expect(within(dialog).getByLabelText('Payload URL')).toHaveFocus();
    await userEvent.click(within(dialog).getByRole('checkbox', { name: 'All events' }));
    await userEvent.click(within(dialog).getByRole('checkbox', { name: 'task.deleted' }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save webhook' }));

    expect(await screen.findByText('Webhook saved')).toBeInTheDocument();
    expect(patches[1]).toEqual({ url: aWebhook().url, events: ['task.deleted'] });
  });

  it('tells members below maintainer that webhooks are not theirs to manage (no 403 call)', async () => {
    renderWebhooks('member');
    expect(await screen.findByText(/Only maintainers and owners/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Add webhook' })).not.toBeInTheDocument();
  });
});
