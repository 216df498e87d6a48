import { useState } from 'react';
import { useParams } from 'react-router';
import { ApiError } from '../../api/problem';
import { Avatar } from '../../components/atoms/Avatar';
import { Button } from '../../components/atoms/Button';
import { DateTime } from '../../components/atoms/DateTime';
import { Select } from '../../components/atoms/Select';
import { ConfirmDialog } from '../../components/molecules/ConfirmDialog';
import { QueryState } from '../../components/molecules/QueryState';
import { AddMemberForm } from '../../components/organisms/AddMemberForm';
import { ProjectNav } from '../../components/organisms/ProjectNav';
import {
  atLeast,
  isProjectRole,
  PROJECT_ROLES,
  useMembers,
  useRemoveMember,
  useSetMemberRole,
  type Member,
  type ProjectRole,
} from '../../features/members/hooks';
import { useSession } from '../../session/context';
import { problemCode, problemMessage } from '../../ui/problemMessage';
import { useToast } from '../../ui/toast';
import '../../styles/workspace.css';

const ROLE_HELP: Record<ProjectRole, string> = {
  viewer: 'reads everything',
  member: 'creates and edits tasks',
  maintainer: 'also manages members and webhooks',
  owner: 'also archives the project and appoints owners',
};

/** The last-owner rule, worded for the person who hit it. */
const LAST_OWNER = 'projects.last_owner';

function memberName(member: Member): string {
  return member.displayName ?? 'Unnamed user';
}

export function MembersPage() {
  const { projectId = '' } = useParams();
  const { user } = useSession();
  const members = useMembers(projectId);
  const setRole = useSetMemberRole(projectId);
  const remove = useRemoveMember(projectId);
  const toast = useToast();
  const [removing, setRemoving] = useState<Member | null>(null);
  const [lastOwner, setLastOwner] = useState<string | null>(null);
  const myRole = members.data?.find((member) => member.userId === user?.id)?.role;
  const canManage = atLeast(myRole, 'maintainer');

  /** Maintainers manage viewers, members and maintainers; only owners touch owners or make new ones. */
  const canActOn = (member: Member) => canManage && (member.role !== 'owner' || myRole === 'owner');
  const rolesFor = (member: Member) =>
    PROJECT_ROLES.filter((role) => role !== 'owner' || myRole === 'owner' || member.role === 'owner');

  const changeRole = (member: Member, role: ProjectRole) => {
    setLastOwner(null);
    setRole.mutate(
      { userId: member.userId, role },
      {
        onSuccess: () => toast.show(`${memberName(member)} is now ${role}`, { tone: 'success' }),
        onError: (error) => {
          if (problemCode(error) === LAST_OWNER) setLastOwner(lastOwnerMessage(member, user?.id, 'demote'));
          else toast.show(problemMessage(error), { tone: 'error' });
        },
      },
    );
  };

  const closeRemove = () => {
    remove.reset();
    setRemoving(null);
  };

  const removeError = remove.error
    ? problemCode(remove.error) === LAST_OWNER && removing
      ? lastOwnerMessage(removing, user?.id, 'remove')
      : problemMessage(remove.error)
    : undefined;

  return (
    <>
      <ProjectNav projectId={projectId} />
      <section aria-labelledby="members-heading">
        <h2 id="members-heading">Members</h2>
        {canManage && <AddMemberForm projectId={projectId} canAddOwners={myRole === 'owner'} />}
        {lastOwner && (
          <p className="inline-alert inline-alert--danger" role="alert">
            {lastOwner}
          </p>
        )}
        <QueryState
          isPending={members.isPending}
          isError={members.isError}
          error={members.error}
          what="members"
          onRetry={() => void members.refetch()}
        >
          <table className="data-table">
            <caption className="visually-hidden">Project members and their roles</caption>
            <thead>
              <tr>
                <th scope="col">Member</th>
                <th scope="col">Role</th>
                <th scope="col">Added</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.data?.map((member) => {
                const name = memberName(member);
                const isMe = member.userId === user?.id;
                return (
                  <tr key={member.userId}>
                    <td>
                      <span className="person">
                        <Avatar name={name} decorative />
                        <span>
                          {name}
                          {isMe && <span className="muted"> (you)</span>}
                          <br />
                          <span className="muted">{member.email}</span>
                        </span>
                      </span>
                    </td>
                    <td>
                      {canActOn(member) ? (
                        <Select
                          aria-label={`Role of ${name}`}
                          value={member.role}
                          disabled={setRole.isPending && setRole.variables.userId === member.userId}
                          onChange={(event) => {
                            const role = event.target.value;
                            if (isProjectRole(role) && role !== member.role) changeRole(member, role);
                          }}
                        >
                          {rolesFor(member).map((role) => (
                            <option key={role} value={role}>
                              {role}: {ROLE_HELP[role]}
                            </option>
                          ))}
                        </Select>
                      ) : (
                        <span title={ROLE_HELP[member.role]}>{member.role}</span>
                      )}
                    </td>
                    <td>
                      <DateTime value={member.addedAt} />
                    </td>
                    <td className="cell-actions">
                      {canActOn(member) && (
                        <Button variant="ghost" aria-label={`Remove ${name}`} onClick={() => setRemoving(member)}>
                          Remove
                        </Button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {!canManage && myRole && (
            <p className="muted">You are a {myRole} here: maintainers and owners manage members.</p>
          )}
        </QueryState>
      </section>
      <ConfirmDialog
        open={removing !== null}
        title={removing ? `Remove ${memberName(removing)}?` : 'Remove member?'}
        confirmLabel="Remove member"
        busy={remove.isPending}
        error={removeError}
        onCancel={closeRemove}
        onConfirm={() => {
          if (!removing) return;
          remove.mutate(
            { userId: removing.userId },
            {
              onSuccess: () => {
                toast.show(`${memberName(removing)} removed`, { tone: 'success' });
                closeRemove();
              },
              onError: (error) => {
                if (error instanceof ApiError && error.status === 404) void members.refetch();
              },
            },
          );
        }}
      >
        <p>They lose access to the project at once. Their tasks and comments stay.</p>
      </ConfirmDialog>
    </>
  );
}

function lastOwnerMessage(member: Member, myId: string | undefined, action: 'demote' | 'remove'): string {
  const who = member.userId === myId ? 'You are' : `${memberName(member)} is`;
  const what = action === 'remove' ? 'removed' : 'given another role';
  return `${who} the project's last owner, so cannot be ${what}. Make another member owner first.`;
}
