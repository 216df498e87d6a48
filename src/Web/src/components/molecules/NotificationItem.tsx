import { Link } from 'react-router';
import { DateTime } from '../atoms/DateTime';
import { Button } from '../atoms/Button';
import type { Notification } from '../../features/notifications/hooks';

/** One notification: what happened, on which task (a link), when, and "Mark read" while unread. */
export function NotificationItem({
  notification,
  onOpen,
  onMarkRead,
  marking = false,
}: {
  notification: Notification;
  /** Called when the task link is followed (the caller marks it read and may close a popover). */
  onOpen?(): void;
  onMarkRead?(): void;
  marking?: boolean;
}) {
  const unread = notification.readAt === null || notification.readAt === undefined;
  return (
    <li className={unread ? 'notification notification--unread' : 'notification'}>
      {unread ? <span className="unread-dot" aria-hidden="true" /> : <span className="read-dot" aria-hidden="true" />}
      <div className="notification__body">
        <Link to={`/tasks/${notification.taskKey}`} onClick={onOpen}>
          {unread && <span className="visually-hidden">Unread: </span>}
          {notification.summary}
        </Link>
        <div className="notification__meta">
          {notification.taskKey} · <DateTime value={notification.createdAt} />
        </div>
      </div>
      {unread && onMarkRead && (
        <Button variant="ghost" busy={marking} onClick={onMarkRead} aria-label={`Mark read: ${notification.summary}`}>
          Mark read
        </Button>
      )}
    </li>
  );
}
