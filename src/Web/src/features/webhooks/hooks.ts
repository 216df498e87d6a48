import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { expectNoContent, unwrap } from '../../api/problem';
import type { components } from '../../api/schema';

export type Webhook = components['schemas']['WebhookResponse'];
export type RegisteredWebhook = components['schemas']['RegisteredWebhookResponse'];
export type Delivery = components['schemas']['DeliveryResponse'];
/** One entry of a webhook's event filter, as the document enumerates it ("*" included). */
export type WebhookEventFilter = components['schemas']['RegisterWebhookRequest']['events'][number];

/** The event types a webhook can subscribe to (the API's list; "*" means all of them). */
export const WEBHOOK_EVENTS: readonly WebhookEventFilter[] = [
  'project.created',
  'project.updated',
  'project.archived',
  'project.restored',
  'member.added',
  'member.role_changed',
  'member.removed',
  'task.created',
  'task.updated',
  'task.assigned',
  'task.status_changed',
  'task.deleted',
  'task.restored',
  'comment.added',
  'comment.edited',
  'comment.deleted',
];
export const ALL_EVENTS: WebhookEventFilter = '*';

export const webhookKeys = {
  all: ['webhooks'],
  list: (projectId: string) => [...webhookKeys.all, 'list', projectId],
  deliveries: (webhookId: string) => [...webhookKeys.all, 'deliveries', webhookId],
};

export function useWebhooks(projectId: string) {
  return useQuery({
    queryKey: webhookKeys.list(projectId),
    queryFn: async ({ signal }) => {
      const hooks: Webhook[] = [];
      let cursor: string | undefined;
      do {
        const page = unwrap(
          await api.GET('/api/v1/projects/{projectId}/webhooks', {
            params: { path: { projectId }, query: { limit: 100, cursor } },
            signal,
          }),
        );
        hooks.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return hooks;
    },
  });
}

/** Registers a webhook; the response is the only time its signing secret is visible. */
export function useRegisterWebhook(projectId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: { url: string; events: WebhookEventFilter[] }) =>
      unwrap(await api.POST('/api/v1/projects/{projectId}/webhooks', { params: { path: { projectId } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.list(projectId) }),
  });
}

export function useDeleteWebhook(projectId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (webhookId: string) =>
      expectNoContent(await api.DELETE('/api/v1/webhooks/{webhookId}', { params: { path: { webhookId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.list(projectId) }),
  });
}

/** Changes a webhook's URL or events, or re-enables one Orbit disabled after repeated failures. */
export function useUpdateWebhook(projectId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ webhookId, ...body }: { webhookId: string; url?: string; events?: WebhookEventFilter[]; enabled?: boolean }) =>
      unwrap(await api.PATCH('/api/v1/webhooks/{webhookId}', { params: { path: { webhookId } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.list(projectId) }),
  });
}

/** A webhook's deliveries, newest first, with their attempts; refreshed as they arrive and settle. */
export function useDeliveries(webhookId: string) {
  return useInfiniteQuery({
    queryKey: webhookKeys.deliveries(webhookId),
    initialPageParam: '',
    queryFn: async ({ pageParam, signal }) =>
      unwrap(
        await api.GET('/api/v1/webhooks/{webhookId}/deliveries', {
          params: { path: { webhookId }, query: { limit: 20, cursor: pageParam || undefined } },
          signal,
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Poll quickly while something is in flight (or nothing has arrived yet), slowly otherwise.
    refetchInterval: (query) => {
      const items = query.state.data?.pages.flatMap((page) => page.items) ?? [];
      return items.length === 0 || items.some((delivery) => delivery.status === 'pending') ? 3_000 : 15_000;
    },
  });
}

export function useRedeliver(webhookId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (deliveryId: string) =>
      unwrap(
        await api.POST('/api/v1/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver', {
          params: { path: { webhookId, deliveryId } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.deliveries(webhookId) }),
  });
}
