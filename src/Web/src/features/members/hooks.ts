import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { expectNoContent, unwrap } from '../../api/problem';
import type { components } from '../../api/schema';
import { useSession } from '../../session/context';

export type Member = components['schemas']['MemberResponse'];
export type ProjectRole = components['schemas']['ProjectRole'];

export const PROJECT_ROLES: readonly ProjectRole[] = ['viewer', 'member', 'maintainer', 'owner'];

const RANK: Record<ProjectRole, number> = { viewer: 0, member: 1, maintainer: 2, owner: 3 };

/** Whether `role` is at least `required` (the API's role ladder: viewer < member < maintainer < owner). */
export function atLeast(role: ProjectRole | undefined, required: ProjectRole): boolean {
  return role !== undefined && RANK[role] >= RANK[required];
}

export function isProjectRole(value: string): value is ProjectRole {
  return PROJECT_ROLES.some((role) => role === value);
}

export const memberKeys = {
  all: ['members'],
  list: (projectId: string) => [...memberKeys.all, projectId],
};

/**
 * Every member of the project (members pages are small; follows the cursor to the end). One query serves the
 * members page, the pickers and the task views, so a change made anywhere (or a member.* event) refreshes them all.
 * An empty id (a dialog not open yet) fetches nothing.
 */
export function useMembers(projectId: string) {
  return useQuery({
    queryKey: memberKeys.list(projectId),
    enabled: projectId !== '',
    queryFn: async ({ signal }) => {
      const members: Member[] = [];
      let cursor: string | undefined;
      do {
        const page = unwrap(
          await api.GET('/api/v1/projects/{projectId}/members', {
            params: { path: { projectId }, query: { limit: 100, cursor } },
            signal,
          }),
        );
        members.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return members;
    },
  });
}

/** The signed-in user's role in the project, from the member list; undefined while loading. */
export function useMyProjectRole(projectId: string): { role: ProjectRole | undefined; isPending: boolean } {
  const { user } = useSession();
  const members = useMembers(projectId);
  const me = members.data?.find((member) => member.userId === user?.id);
  return { role: me?.role, isPending: members.isPending };
}

/** Adds a registered person by email (404 members.user_not_found, 409 members.already_member). */
export function useAddMember(projectId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: { email: string; role: ProjectRole }) =>
      unwrap(await api.POST('/api/v1/projects/{projectId}/members', { params: { path: { projectId } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: memberKeys.list(projectId) }),
  });
}

export function useSetMemberRole(projectId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ userId, role }: { userId: string; role: ProjectRole }) =>
      unwrap(
        await api.PUT('/api/v1/projects/{projectId}/members/{userId}', {
          params: { path: { projectId, userId } },
          body: { role },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: memberKeys.list(projectId) }),
  });
}

export function useRemoveMember(projectId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ userId }: { userId: string }) =>
      expectNoContent(
        await api.DELETE('/api/v1/projects/{projectId}/members/{userId}', { params: { path: { projectId, userId } } }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: memberKeys.list(projectId) }),
  });
}
