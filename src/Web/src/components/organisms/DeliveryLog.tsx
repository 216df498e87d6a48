import { Badge } from '../atoms/Badge';
import { Button } from '../atoms/Button';
import { DateTime } from '../atoms/DateTime';
import { LoadMore } from '../molecules/LoadMore';
import { QueryState } from '../molecules/QueryState';
import { useDeliveries, useRedeliver, type Delivery } from '../../features/webhooks/hooks';
import { problemMessage } from '../../ui/problemMessage';
import { useToast } from '../../ui/toast';

function statusTone(status: string): 'success' | 'warning' | 'danger' | 'neutral' {
  if (status === 'succeeded') return 'success';
  if (status === 'pending') return 'warning';
  if (status === 'failed') return 'danger';
  return 'neutral';
}

/** A webhook's deliveries: status, attempts, the last response and when; each can be sent again. */
export function DeliveryLog({ webhookId, url }: { webhookId: string; url: string }) {
  const deliveries = useDeliveries(webhookId);
  const redeliver = useRedeliver(webhookId);
  const toast = useToast();
  const items = deliveries.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <section className="section" aria-labelledby="deliveries-heading">
      <h2 id="deliveries-heading">
        Deliveries to <span className="mono">{url}</span>
      </h2>
      <QueryState
        isPending={deliveries.isPending}
        isError={deliveries.isError}
        error={deliveries.error}
        what="deliveries"
        onRetry={() => void deliveries.refetch()}
      >
        {items.length === 0 ? (
          <div className="empty-state">
            <p>No deliveries yet: they appear here when a subscribed event happens in the project.</p>
          </div>
        ) : (
          <table className="data-table">
            <caption className="visually-hidden">Deliveries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Response</th>
                <th scope="col">Created</th>
                <th scope="col">Delivered / next try</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((delivery) => (
                <DeliveryRow
                  key={delivery.id}
                  delivery={delivery}
                  busy={redeliver.isPending && redeliver.variables === delivery.id}
                  onRedeliver={() =>
                    redeliver.mutate(delivery.id, {
                      onSuccess: () => toast.show('Delivery queued again', { tone: 'success' }),
                      onError: (error) => toast.show(problemMessage(error), { tone: 'error' }),
                    })
                  }
                />
              ))}
            </tbody>
          </table>
        )}
        <LoadMore
          hasMore={deliveries.hasNextPage}
          loading={deliveries.isFetchingNextPage}
          onLoadMore={() => void deliveries.fetchNextPage()}
        />
      </QueryState>
    </section>
  );
}

function DeliveryRow({ delivery, busy, onRedeliver }: { delivery: Delivery; busy: boolean; onRedeliver(): void }) {
  const code = delivery.lastStatusCode;
  const duration = delivery.lastDurationMs;
  return (
    <tr>
      <td className="mono">{delivery.eventType}</td>
      <td>
        <Badge tone={statusTone(delivery.status)}>{delivery.status}</Badge>
      </td>
      <td>
        {delivery.attempts.length === 0 ? (
          '0'
        ) : (
          <details>
            <summary>{delivery.attempts.length}</summary>
            <ol className="delivery-body">
              {delivery.attempts.map((attempt) => (
                <li key={String(attempt.attempt)}>
                  <DateTime value={attempt.at} />: {attempt.statusCode ?? 'no response'}
                  {attempt.error ? ` (${attempt.error})` : ''}, {String(attempt.durationMs)} ms
                </li>
              ))}
            </ol>
          </details>
        )}
      </td>
      <td>
        {code !== null ? <span className="mono">HTTP {code}</span> : <span className="muted">—</span>}
        {duration !== null && <span className="muted"> · {duration} ms</span>}
        {delivery.lastError && <pre className="delivery-body mono">{delivery.lastError}</pre>}
      </td>
      <td>
        <DateTime value={delivery.createdAt} />
      </td>
      <td>
        {delivery.status === 'pending' ? (
          <DateTime value={delivery.nextAttemptAt} />
        ) : (
          <DateTime value={delivery.deliveredAt} />
        )}
      </td>
      <td className="cell-actions">
        <Button variant="secondary" busy={busy} onClick={onRedeliver} aria-label={`Redeliver ${delivery.eventType} from ${delivery.id}`}>
          Redeliver
        </Button>
      </td>
    </tr>
  );
}
