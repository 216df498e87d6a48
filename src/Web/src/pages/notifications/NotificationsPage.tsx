import { useSearchParams } from 'react-router';
import { Button } from '../../components/atoms/Button';
import { LoadMore } from '../../components/molecules/LoadMore';
import { NotificationItem } from '../../components/molecules/NotificationItem';
import { QueryState } from '../../components/molecules/QueryState';
import {
  useMarkAllNotificationsRead,
  useMarkNotificationRead,
  useNotificationPages,
  useUnreadCount,
} from '../../features/notifications/hooks';
import { problemMessage } from '../../ui/problemMessage';
import { useToast } from '../../ui/toast';
import '../../styles/workspace.css';

export function NotificationsPage() {
  const [params, setParams] = useSearchParams();
  const unreadOnly = params.get('unread') === 'true';
  const pages = useNotificationPages({ unread: unreadOnly });
  const unread = useUnreadCount();
  const markRead = useMarkNotificationRead();
  const markAll = useMarkAllNotificationsRead();
  const toast = useToast();
  const items = pages.data?.pages.flatMap((page) => page.items) ?? [];
  const onError = (error: unknown) => toast.show(problemMessage(error), { tone: 'error' });

  return (
    <section aria-labelledby="notifications-heading">
      <div className="page-header">
        <h1 id="notifications-heading">Notifications</h1>
        <Button
          variant="secondary"
          busy={markAll.isPending}
          disabled={(unread.data ?? 0) === 0}
          onClick={() =>
            markAll.mutate(undefined, {
              onSuccess: (result) => toast.show(`Marked ${String(result.marked)} read`, { tone: 'success' }),
              onError,
            })
          }
        >
          Mark all read
        </Button>
      </div>
      <div className="segmented" role="group" aria-label="Which notifications">
        <Button
          variant={unreadOnly ? 'ghost' : 'secondary'}
          aria-pressed={!unreadOnly}
          onClick={() => setParams({}, { replace: true })}
        >
          All
        </Button>
        <Button
          variant={unreadOnly ? 'secondary' : 'ghost'}
          aria-pressed={unreadOnly}
          onClick={() => setParams({ unread: 'true' }, { replace: true })}
        >
          Unread{unread.data ? ` (${unread.data})` : ''}
        </Button>
      </div>
      <QueryState
        isPending={pages.isPending}
        isError={pages.isError}
        error={pages.error}
        what="notifications"
        onRetry={() => void pages.refetch()}
      >
        {items.length === 0 ? (
          <div className="empty-state">
            <p>
              {unreadOnly
                ? 'You are all caught up.'
                : 'No notifications yet. You will hear here when someone mentions you or assigns you a task.'}
            </p>
          </div>
        ) : (
          <ul className="notification-list panel">
            {items.map((notification) => (
              <NotificationItem
                key={notification.id}
                notification={notification}
                marking={markRead.isPending && markRead.variables === notification.id}
                onMarkRead={() => markRead.mutate(notification.id, { onError })}
                onOpen={() => {
                  if (notification.readAt == null) markRead.mutate(notification.id);
                }}
              />
            ))}
          </ul>
        )}
        <LoadMore
          hasMore={pages.hasNextPage}
          loading={pages.isFetchingNextPage}
          onLoadMore={() => void pages.fetchNextPage()}
        />
      </QueryState>
    </section>
  );
}
