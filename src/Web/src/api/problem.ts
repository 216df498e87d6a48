// RFC 9457 problem documents as the app sees them. An error body is read as `unknown` and narrowed with the guards
// below rather than trusted: a failing proxy or a dropped connection answers with something that is not Orbit's
// `ProblemDetails` at all, and the app must still turn it into a readable error.

export type FieldErrors = Readonly<Record<string, readonly string[]>>;

export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: FieldErrors;
  readonly traceId: string | undefined;
  /** Seconds to wait before retrying, from `Retry-After` (429/503). */
  readonly retryAfter: number | undefined;

  constructor(init: {
    status: number;
    code?: string | undefined;
    title: string;
    detail?: string | undefined;
    errors?: FieldErrors;
    traceId?: string | undefined;
    retryAfter?: number | undefined;
  }) {
    super(init.detail ?? init.title);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors ?? {};
    this.traceId = init.traceId;
    this.retryAfter = init.retryAfter;
  }

  /** The first message for a field; matches the API's field names case-insensitively (`Email` vs `email`). */
  fieldError(field: string): string | undefined {
    const wanted = field.toLowerCase();
    for (const [name, messages] of Object.entries(this.errors)) {
      if (name.toLowerCase() === wanted) return messages[0];
    }
    return undefined;
  }

  static fromResponse(response: Response, body: unknown): ApiError {
    const problem = isRecord(body) ? body : {};
    return new ApiError({
      status: readStatus(problem.status) ?? response.status,
      code: readString(problem.code),
      title: readString(problem.title) ?? (response.statusText || `HTTP ${response.status}`),
      detail: readString(problem.detail),
      errors: readFieldErrors(problem.errors),
      traceId: readString(problem.traceId),
      retryAfter: parseRetryAfter(response.headers.get('Retry-After')),
    });
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function readStatus(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d{3}$/.test(value)) return Number(value);
  return undefined;
}

function readFieldErrors(value: unknown): FieldErrors {
  if (!isRecord(value)) return {};
  const errors: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(value)) {
    if (Array.isArray(messages)) errors[field] = messages.filter((m): m is string => typeof m === 'string');
  }
  return errors;
}

/** `Retry-After` is either delay-seconds or an HTTP date. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** What openapi-fetch resolves to: data on success, the parsed error body otherwise. */
type FetchResult<T> = { data?: T; error?: unknown; response: Response };

/** The response body, or an ApiError built from the problem document. */
export function unwrap<T>(result: FetchResult<T>): T {
  if (!result.response.ok) throw ApiError.fromResponse(result.response, result.error);
  if (result.data === undefined) {
    throw new ApiError({ status: result.response.status, title: 'The response had no body' });
  }
  return result.data;
}

/** For endpoints that answer 204: throws the ApiError on failure, otherwise nothing. */
export function expectNoContent(result: FetchResult<unknown>): void {
  if (!result.response.ok) throw ApiError.fromResponse(result.response, result.error);
}
