import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import type { components, paths } from '../../api/schema';

export type AdminUser = components['schemas']['AdminUserResponse'];
export type AuditEntry = components['schemas']['AuditEntryResponse'];
export type ChainVerification = components['schemas']['ChainVerification'];

/** The audit list's filters, exactly as the API declares them (all optional); paging is added by the hook. */
export type AuditFilter = Omit<NonNullable<paths['/api/v1/admin/audit']['get']['parameters']['query']>, 'limit' | 'cursor'>;
export type AuditEntityType = NonNullable<AuditFilter['entityType']>;
/** The entity types the audit list can be filtered by, in the order the filter offers them. */
export const AUDIT_ENTITY_TYPES = ['task', 'project', 'member', 'comment', 'user'] satisfies AuditEntityType[];

export function isAuditEntityType(value: string | null): value is AuditEntityType {
  return AUDIT_ENTITY_TYPES.some((type) => type === value);
}
export type UserRole = components['schemas']['SetUserRolesRequest']['roles'][number];

export const adminKeys = {
  all: ['admin'],
  users: (q: string) => [...adminKeys.all, 'users', q],
  audit: (filter: AuditFilter) => [...adminKeys.all, 'audit', filter],
};

export function useAdminUsers(q: string) {
  return useInfiniteQuery({
    queryKey: adminKeys.users(q),
    initialPageParam: '',
    queryFn: async ({ pageParam, signal }) =>
      unwrap(
        await api.GET('/api/v1/admin/users', {
          params: { query: { q: q || undefined, limit: 25, cursor: pageParam || undefined } },
          signal,
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Searching keeps the current rows until the new ones arrive: no flash to a spinner per keystroke.
    placeholderData: keepPreviousData,
  });
}

/** Disable or enable an account: disabling ends its sessions and tokens at once. */
export function useSetUserDisabled() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, disabled }: { id: string; disabled: boolean }) =>
      disabled
        ? unwrap(await api.POST('/api/v1/admin/users/{id}/disable', { params: { path: { id } } }))
        : unwrap(await api.POST('/api/v1/admin/users/{id}/enable', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [...adminKeys.all, 'users'] }),
  });
}

export function useSetUserRoles() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, roles }: { id: string; roles: UserRole[] }) =>
      unwrap(await api.PUT('/api/v1/admin/users/{id}/roles', { params: { path: { id } }, body: { roles } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [...adminKeys.all, 'users'] }),
  });
}

export function useAuditEntries(filter: AuditFilter) {
  return useInfiniteQuery({
    queryKey: adminKeys.audit(filter),
    initialPageParam: '',
    queryFn: async ({ pageParam, signal }) =>
      unwrap(
        await api.GET('/api/v1/admin/audit', {
          params: { query: { ...filter, limit: 50, cursor: pageParam || undefined } },
          signal,
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/** Walks the audit hash chain on the server; a mutation because the user asks for it and it may take a while. */
export function useVerifyAuditChain() {
  return useMutation({
    mutationFn: async () => unwrap(await api.GET('/api/v1/admin/audit/verify')),
  });
}
