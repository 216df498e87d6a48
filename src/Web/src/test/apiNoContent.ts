import { http, HttpResponse, type HttpHandler } from 'msw';
import type { paths } from '../api/schema';

type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Path = keyof paths;
type NoContentMethodOf<P extends Path> = {
  [M in HttpMethod]: paths[P][M] extends { responses: { 204: unknown } } ? M : never;
}[HttpMethod];

/**
 * A 204 answer for an operation that declares one (apiJson cannot express an empty body):
 * apiNoContent('delete', '/api/v1/users/me/tokens/{id}', (request) => seen.push(request.url)).
 */
export function apiNoContent<P extends Path, M extends NoContentMethodOf<P>>(
  method: M,
  path: P,
  onRequest?: (request: Request) => void | Promise<void>,
): HttpHandler {
  return http[method](path.replace(/\{(\w+)\}/g, ':$1'), async ({ request }) => {
    await onRequest?.(request);
    return new HttpResponse(null, { status: 204 });
  });
}
