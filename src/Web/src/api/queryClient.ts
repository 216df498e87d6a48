import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './problem';

const MAX_RETRIES = 3;

/** Retry only what may succeed later: network failures, 5xx and 429. Never other 4xx. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (failureCount >= MAX_RETRIES) return false;
  if (error instanceof ApiError) return error.status >= 500 || error.status === 429;
  // fetch rejects with a TypeError when the network fails.
  return error instanceof TypeError;
}

/** Exponential backoff (1 s, 2 s, 4 s… capped at 30 s), or what Retry-After asks for. */
export function retryDelay(failureCount: number, error: unknown): number {
  if (error instanceof ApiError && error.retryAfter !== undefined) return error.retryAfter * 1000;
  return Math.min(1000 * 2 ** failureCount, 30_000);
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: shouldRetry, retryDelay, staleTime: 30_000, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
  });
}
