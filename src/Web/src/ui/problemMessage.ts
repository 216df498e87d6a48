import { ApiError } from '../api/problem';

/**
 * The sentence to show for a failed call outside a form (toasts, inline alerts): the problem's `detail`, else
 * its `title`; the `code` is kept for the few refusals the UI words itself.
 */
export function problemMessage(error: unknown, fallback = 'Something went wrong'): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return 'Could not reach Orbit. Check your connection and try again.';
    if (error.status === 403) return error.detail ?? 'You do not have permission to do that.';
    if (error.status === 412) return 'Someone else changed this meanwhile. Reload and try again.';
    return error.detail ?? error.title;
  }
  if (error instanceof TypeError) return 'Could not reach Orbit. Check your connection and try again.';
  return fallback;
}

/** The problem's `code` when the error is an ApiError. */
export function problemCode(error: unknown): string | undefined {
  return error instanceof ApiError ? error.code : undefined;
}

/** A field's first message from a problem's `errors`, for FormField. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.fieldError(field) : undefined;
}

/** A problem that is not about one field: shown above the form. */
export function formLevelError(error: unknown): string | undefined {
  if (!error) return undefined;
  if (error instanceof ApiError && Object.keys(error.errors).length > 0) return undefined;
  return problemMessage(error);
}
