import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import type { components } from '../../api/schema';

export type Notification = components['schemas']['NotificationResponse'];

/**
 * Everything under ['notifications'] is one branch on purpose: the live change feed invalidates that prefix when a
 * comment or assignment event arrives, which refreshes the bell's count, the dropdown and the page at once.
 */
export const notificationKeys = {
  all: ['notifications'],
  unreadCount: () => [...notificationKeys.all, 'unread-count'],
  lists: () => [...notificationKeys.all, 'list'],
  list: (filter: { unread: boolean }) => [...notificationKeys.lists(), filter],
  recent: () => [...notificationKeys.all, 'recent'],
};

const UNREAD_POLL_MS = 15_000;

/** The bell's number: polled every 15 s and refetched when the window regains focus. */
export function useUnreadCount() {
  return useQuery({
    queryKey: notificationKeys.unreadCount(),
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/notifications/unread-count', { signal })).count,
    refetchInterval: UNREAD_POLL_MS,
    refetchOnWindowFocus: true,
  });
}

/** The few newest notifications for the bell's dropdown; only fetched while it is open. */
export function useRecentNotifications(enabled: boolean) {
  return useQuery({
    queryKey: notificationKeys.recent(),
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/notifications', { params: { query: { limit: 8 } }, signal })).items,
    enabled,
  });
}

/** All or only unread notifications, newest first, keyset-paged. */
export function useNotificationPages(filter: { unread: boolean }, pageSize = 25) {
  return useInfiniteQuery({
    queryKey: notificationKeys.list(filter),
    initialPageParam: '',
    queryFn: async ({ pageParam, signal }) =>
      unwrap(
        await api.GET('/api/v1/notifications', {
          params: { query: { unread: filter.unread || undefined, limit: pageSize, cursor: pageParam || undefined } },
          signal,
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useMarkNotificationRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (notificationId: string) =>
      unwrap(
        await api.POST('/api/v1/notifications/{notificationId}/read', { params: { path: { notificationId } } }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}

export function useMarkAllNotificationsRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/notifications/read-all')),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}
