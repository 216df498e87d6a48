import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { Avatar } from '../../components/atoms/Avatar';
import { Badge } from '../../components/atoms/Badge';
import { Button } from '../../components/atoms/Button';
import { DateTime } from '../../components/atoms/DateTime';
import { Input } from '../../components/atoms/Input';
import { AdminNav } from '../../components/molecules/AdminNav';
import { ConfirmDialog } from '../../components/molecules/ConfirmDialog';
import { FormField } from '../../components/molecules/FormField';
import { LoadMore } from '../../components/molecules/LoadMore';
import { QueryState } from '../../components/molecules/QueryState';
import { useAdminUsers, useSetUserDisabled, useSetUserRoles, type AdminUser, type UserRole } from '../../features/admin/hooks';
import { useSession } from '../../session/context';
import { problemMessage } from '../../ui/problemMessage';
import { useToast } from '../../ui/toast';
import '../../styles/workspace.css';

const ADMIN: UserRole = 'admin';

export function AdminUsersPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  const users = useAdminUsers(q);
  const disable = useSetUserDisabled();
  const roles = useSetUserRoles();
  const toast = useToast();
  const { user: me } = useSession();
  const [confirming, setConfirming] = useState<{ user: AdminUser; action: 'disable' | 'enable' | 'grant' | 'revoke' } | null>(null);
  const items = users.data?.pages.flatMap((page) => page.items) ?? [];

  // Search as you type, without a request per keystroke.
  useEffect(() => {
    const timer = window.setTimeout(() => {
      if (text.trim() !== q) setParams(text.trim() ? { q: text.trim() } : {}, { replace: true });
    }, 250);
    return () => window.clearTimeout(timer);
  }, [text, q, setParams]);

  const close = () => {
    disable.reset();
    roles.reset();
    setConfirming(null);
  };
  const confirm = () => {
    if (!confirming) return;
    const { user, action } = confirming;
    const done = {
      onSuccess: () => {
        toast.show(
          {
            disable: `${user.displayName} disabled`,
            enable: `${user.displayName} enabled`,
            grant: `${user.displayName} is now an admin`,
            revoke: `${user.displayName} is no longer an admin`,
          }[action],
          { tone: 'success' },
        );
        close();
      },
    };
    if (action === 'disable' || action === 'enable') disable.mutate({ id: user.id, disabled: action === 'disable' }, done);
    else {
      const next = action === 'grant' ? [...user.roles, ADMIN] : user.roles.filter((role) => role !== ADMIN);
      roles.mutate({ id: user.id, roles: next }, done);
    }
  };

  return (
    <section aria-labelledby="users-heading">
      <div className="page-header">
        <h1 id="users-heading">Users</h1>
        <AdminNav />
      </div>
      <div className="filters" role="search">
        <FormField label="Search users" hint="Name or email">
          {(control) => <Input {...control} type="search" value={text} onChange={(e) => setText(e.target.value)} />}
        </FormField>
      </div>
      <QueryState
        isPending={users.isPending}
        isError={users.isError}
        error={users.error}
        what="users"
        onRetry={() => void users.refetch()}
      >
        {items.length === 0 ? (
          <div className="empty-state">
            <p>{q ? `No user matches “${q}”.` : 'No users.'}</p>
          </div>
        ) : (
          <table className="data-table">
            <caption className="visually-hidden">Users</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Roles</th>
                <th scope="col">State</th>
                <th scope="col">Joined</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((user) => {
                const isAdmin = user.roles.includes(ADMIN);
                const isMe = user.id === me?.id;
                return (
                  <tr key={user.id}>
                    <td>
                      <span className="person">
                        <Avatar name={user.displayName} decorative />
                        <span>
                          {user.displayName}
                          {isMe && <span className="muted"> (you)</span>}
                          <br />
                          <span className="muted">{user.email}</span>
                        </span>
                      </span>
                    </td>
                    <td>{isAdmin ? <Badge tone="info">admin</Badge> : <span className="muted">user</span>}</td>
                    <td>{user.isDisabled ? <Badge tone="danger">Disabled</Badge> : <Badge tone="success">Active</Badge>}</td>
                    <td>
                      <DateTime value={user.createdAt} />
                    </td>
                    <td className="cell-actions">
                      {!isMe && (
                        <>
                          <Button
                            variant="secondary"
                            aria-label={`${isAdmin ? 'Remove admin role from' : 'Make admin:'} ${user.displayName}`}
                            onClick={() => setConfirming({ user, action: isAdmin ? 'revoke' : 'grant' })}
                          >
                            {isAdmin ? 'Remove admin' : 'Make admin'}
                          </Button>
                          <Button
                            variant={user.isDisabled ? 'secondary' : 'danger'}
                            aria-label={`${user.isDisabled ? 'Enable' : 'Disable'} ${user.displayName}`}
                            onClick={() => setConfirming({ user, action: user.isDisabled ? 'enable' : 'disable' })}
                          >
                            {user.isDisabled ? 'Enable' : 'Disable'}
                          </Button>
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        <LoadMore hasMore={users.hasNextPage} loading={users.isFetchingNextPage} onLoadMore={() => void users.fetchNextPage()} />
      </QueryState>
      <ConfirmDialog
        open={confirming !== null}
        title={
          confirming
            ? {
                disable: `Disable ${confirming.user.displayName}?`,
                enable: `Enable ${confirming.user.displayName}?`,
                grant: `Make ${confirming.user.displayName} an admin?`,
                revoke: `Remove ${confirming.user.displayName}'s admin role?`,
              }[confirming.action]
            : ''
        }
        confirmLabel={confirming ? { disable: 'Disable', enable: 'Enable', grant: 'Make admin', revoke: 'Remove admin' }[confirming.action] : ''}
        tone={confirming?.action === 'disable' || confirming?.action === 'revoke' ? 'danger' : 'primary'}
        busy={disable.isPending || roles.isPending}
        error={disable.error || roles.error ? problemMessage(disable.error ?? roles.error) : undefined}
        onCancel={close}
        onConfirm={confirm}
      >
        <p>
          {confirming?.action === 'disable' &&
            'They are signed out everywhere at once; their personal access tokens stop working. You can enable them again.'}
          {confirming?.action === 'enable' && 'They can sign in again.'}
          {confirming?.action === 'grant' && 'Admins manage every user and read the audit log.'}
          {confirming?.action === 'revoke' && 'They keep their projects but lose the administration pages.'}
        </p>
      </ConfirmDialog>
    </section>
  );
}
