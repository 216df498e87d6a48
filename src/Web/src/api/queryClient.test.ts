import { describe, expect, it } from 'vitest';
import { ApiError, parseRetryAfter, unwrap } from './problem';
import { retryDelay, shouldRetry } from './queryClient';

const apiError = (status: number, retryAfter?: number) => new ApiError({ status, title: 'x', retryAfter });

describe('query retries', () => {
  it.each([400, 401, 403, 404, 409, 412, 422])('never retry a %i', (status) => {
    expect(shouldRetry(0, apiError(status))).toBe(false);
  });

  it.each([429, 500, 502, 503])('retry a %i', (status) => {
    expect(shouldRetry(0, apiError(status))).toBe(true);
  });

  it('retries network failures', () => {
    expect(shouldRetry(0, new TypeError('Failed to fetch'))).toBe(true);
  });

  it('stops after three retries', () => {
    expect(shouldRetry(2, apiError(503))).toBe(true);
    expect(shouldRetry(3, apiError(503))).toBe(false);
  });

  it('backs off exponentially and honours Retry-After', () => {
    expect(retryDelay(1, apiError(503))).toBe(2_000);
    expect(retryDelay(2, apiError(503))).toBe(4_000);
    expect(retryDelay(1, apiError(429, 7))).toBe(7_000);
  });
});

describe('problem documents', () => {
  it('become an ApiError with code, field errors, trace id and Retry-After', () => {
    const response = new Response(null, { status: 429, headers: { 'Retry-After': '12' } });
    const body = {
      title: 'Too many requests',
      status: 429,
      code: 'rate_limited',
      traceId: '00-abc-01',
      errors: { Email: ['Email is required.'] },
    };

    const error = ApiError.fromResponse(response, body);

    expect(error).toMatchObject({ status: 429, code: 'rate_limited', traceId: '00-abc-01', retryAfter: 12 });
    expect(error.fieldError('email')).toBe('Email is required.');
  });

  it('unwrap throws the ApiError for a failed response and returns the data otherwise', () => {
    expect(unwrap({ data: { ok: true }, response: new Response(null, { status: 200 }) })).toEqual({ ok: true });
    expect(() => unwrap({ error: { title: 'Gone' }, response: new Response(null, { status: 404 }) })).toThrow(ApiError);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10);
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
