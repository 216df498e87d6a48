import { http, HttpResponse, type HttpHandler } from 'msw';
import type { paths } from '../api/schema';

// MSW handlers typed from schema.d.ts: the path must exist, the method must exist on it, the status must be one
// the operation declares, and the resolver must return exactly that response's JSON body type.

type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Path = keyof paths;
type MethodOf<P extends Path> = {
  [M in HttpMethod]: paths[P][M] extends { responses: unknown } ? M : never;
}[HttpMethod];
type ResponsesOf<P extends Path, M extends HttpMethod> = paths[P][M] extends { responses: infer R } ? R : never;
type JsonOf<R> = R extends { content: { 'application/json': infer Body } } ? Body : never;

export interface ResolverContext {
  request: Request;
  params: Record<string, string | readonly string[] | undefined>;
}

/** `/api/v1/projects/{projectId}` → `/api/v1/projects/:projectId` */
function toMswPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/**
 * apiJson('get', '/api/v1/users/me', 200, () => aUser())
 * The resolver may be async and may read the request (e.g. its Authorization header or JSON body).
 */
export function apiJson<P extends Path, M extends MethodOf<P>, S extends keyof ResponsesOf<P, M> & number>(
  method: M,
  path: P,
  status: S,
  resolve: (context: ResolverContext) => JsonOf<ResponsesOf<P, M>[S]> | Promise<JsonOf<ResponsesOf<P, M>[S]>>,
  init: { headers?: Record<string, string> } = {},
): HttpHandler {
  return http[method](toMswPath(path), async ({ request, params }) => {
    const body = await resolve({ request, params });
    return new HttpResponse(JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json', ...init.headers },
    });
  });
}

export interface ProblemInit {
  status: number;
  title?: string;
  code?: string;
  detail?: string;
  errors?: Record<string, string[]>;
  traceId?: string;
  headers?: Record<string, string>;
}

/** A problem document response as Orbit sends them (with `code` and `traceId` extensions). */
export function problemResponse({ status, headers, ...rest }: ProblemInit): HttpResponse<string> {
  return new HttpResponse(JSON.stringify({ type: 'about:blank', title: rest.title ?? 'Error', status, ...rest }), {
    status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
  });
}

/** apiProblem('post', '/api/v1/auth/login', { status: 400, errors: { Email: ['…'] } }) */
export function apiProblem<P extends Path, M extends MethodOf<P>>(method: M, path: P, problem: ProblemInit): HttpHandler {
  return http[method](toMswPath(path), () => problemResponse(problem));
}
