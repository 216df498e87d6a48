import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { expectNoContent, unwrap } from '../../api/problem';
import type { components } from '../../api/schema';

export type PersonalAccessToken = components['schemas']['PersonalAccessTokenResponse'];
export type CreatedToken = components['schemas']['CreatedPersonalAccessToken'];
/** `read`: GET and HEAD only; `read-write`: everything you may do, except managing tokens and your password. */
export type TokenScope = PersonalAccessToken['scope'];

export const tokenKeys = {
  all: ['tokens'],
  list: () => [...tokenKeys.all, 'list'],
};

/** The caller's personal access tokens (a person has few; follows the cursor to the end). */
export function useTokens() {
  return useQuery({
    queryKey: tokenKeys.list(),
    queryFn: async ({ signal }) => {
      const tokens: PersonalAccessToken[] = [];
      let cursor: string | undefined;
      do {
        const page = unwrap(await api.GET('/api/v1/users/me/tokens', { params: { query: { limit: 100, cursor } }, signal }));
        tokens.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return tokens;
    },
  });
}

/** Creates a token; the response is the only time its secret is visible. */
export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: { name: string; expiresAt: string | null; scope: TokenScope }) =>
      unwrap(await api.POST('/api/v1/users/me/tokens', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokenKeys.list() }),
  });
}

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      expectNoContent(await api.DELETE('/api/v1/users/me/tokens/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokenKeys.list() }),
  });
}
