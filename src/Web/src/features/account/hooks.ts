import { useMutation } from '@tanstack/react-query';
import { api } from '../../api/client';
import { toAccessToken } from '../../api/auth';
import { expectNoContent, unwrap } from '../../api/problem';
import { accessTokenStore } from '../../api/tokens';

/**
 * Changes the password. The server ends every other session and answers with a new token pair for this one (the
 * refresh token in the session cookie, the access token in the body), which replaces the current access token.
 */
export function useChangePassword() {
  return useMutation({
    mutationFn: async (body: { currentPassword: string; newPassword: string; revokePersonalAccessTokens: boolean }) => {
      const tokens = unwrap(await api.POST('/api/v1/users/me/password', { body }));
      const token = toAccessToken(tokens);
      if (token) accessTokenStore.set(token);
      return tokens;
    },
  });
}

/** Ends every session of the user, this one included (the caller then signs out locally). */
export function useSignOutEverywhere() {
  return useMutation({
    mutationFn: async () => expectNoContent(await api.POST('/api/v1/auth/logout-all', {})),
  });
}
