import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import type { components } from '../../api/schema';

export type AdminUser = components['schemas']['AdminUserResponse'];
export type AuditEntry = components['schemas']['AuditEntryResponse'];
export type ChainVerification = components['schemas']['ChainVerification'];

/** The audit list's filters, as the API names them (all optional). */
export interface AuditFilter {
  actorId?: string | undefined;
  action?: string | undefined;
  entityType?: string | undefined;
  entityId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

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
    mutationFn: async ({ id, roles }: { id: string; roles: string[] }) =>
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
