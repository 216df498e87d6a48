import { useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { BellIcon } from '../atoms/BellIcon';
import { Button } from '../atoms/Button';
import { Spinner } from '../atoms/Spinner';
import { NotificationItem } from '../molecules/NotificationItem';
import {
  useMarkAllNotificationsRead,
  useMarkNotificationRead,
  useRecentNotifications,
  useUnreadCount,
} from '../../features/notifications/hooks';
import { problemMessage } from '../../ui/problemMessage';
import { useToast } from '../../ui/toast';
import '../../styles/workspace.css';

/**
 * The header's bell: unread count (polled, and invalidated by the live feed), a disclosure with the newest
 * notifications. Escape or a click outside closes it and focus returns to the bell.
 */
export function NotificationBell() {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const unread = useUnreadCount();
  const recent = useRecentNotifications(open);
  const markRead = useMarkNotificationRead();
  const markAll = useMarkAllNotificationsRead();
  const toast = useToast();
  const count = unread.data ?? 0;

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (event.target instanceof Node && !root.current?.contains(event.target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const close = () => {
    setOpen(false);
    root.current?.querySelector<HTMLButtonElement>('.bell__button')?.focus();
  };
  const onError = (error: unknown) => toast.show(problemMessage(error), { tone: 'error' });
  const label = count === 0 ? 'Notifications, none unread' : `Notifications, ${count} unread`;

  return (
    <div
      className="bell"
      ref={root}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && open) {
          event.stopPropagation();
          close();
        }
      }}
    >
      <Button
        variant="ghost"
        className="bell__button"
        aria-label={label}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((was) => !was)}
      >
        <BellIcon />
        {count > 0 && (
          <span className="bell__count" aria-hidden="true">
            {count > 99 ? '99+' : count}
          </span>
        )}
      </Button>
      {open && (
        <div id={panelId} className="bell__panel" role="region" aria-label="Recent notifications">
          <div className="page-header">
            <h2>Notifications</h2>
            {count > 0 && (
              <Button variant="ghost" busy={markAll.isPending} onClick={() => markAll.mutate(undefined, { onError })}>
                Mark all read
              </Button>
            )}
          </div>
          {recent.isPending && <Spinner label="Loading notifications" />}
          {recent.isError && <p role="alert">Could not load notifications: {problemMessage(recent.error)}</p>}
          {recent.data && recent.data.length === 0 && <p className="muted">Nothing yet. Mentions and assignments land here.</p>}
          {recent.data && recent.data.length > 0 && (
            <ul className="notification-list">
              {recent.data.map((notification) => (
                <NotificationItem
                  key={notification.id}
                  notification={notification}
                  marking={markRead.isPending && markRead.variables === notification.id}
                  onMarkRead={() => markRead.mutate(notification.id, { onError })}
                  onOpen={() => {
                    if (notification.readAt == null) markRead.mutate(notification.id);
                    setOpen(false);
                  }}
                />
              ))}
            </ul>
          )}
          <p>
            <Link to="/notifications" onClick={() => setOpen(false)}>
              See all notifications
            </Link>
          </p>
        </div>
      )}
    </div>
  );
}
