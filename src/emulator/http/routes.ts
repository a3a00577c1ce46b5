import type { ApiResponse } from '../idempotency';
import type { RateCategory } from '../rate-limit';

export interface RouteRequest {
  params: string[];
  query: URLSearchParams;
  body: unknown;
  idempotencyKey: string | undefined;
  /** The URL the client used, for DRF's absolute `next`/`previous` links. */
  url: URL;
}

/** A handler's answer; `cache: false` keeps it out of the idempotency cache, `lose` drops the connection instead. */
export type RouteResult = ApiResponse & { cache?: boolean; lose?: boolean };

export interface Route {
  method: string;
  /** Matched against the path with any trailing slash removed. */
  pattern: RegExp;
  category: RateCategory;
  handle(req: RouteRequest): RouteResult;
}

export const NOT_FOUND: ApiResponse = { status: 404, body: { detail: 'Not found.' } };

/** Finds the route; `methodNotAllowed` when the path exists under another method. */
export function matchRoute(
  routes: Route[],
  method: string,
  path: string,
): { route: Route; params: string[] } | 'not_found' | 'method_not_allowed' {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  let pathExists = false;
  for (const route of routes) {
    const m = route.pattern.exec(trimmed);
    if (!m) continue;
    pathExists = true;
    if (route.method === method) return { route, params: m.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return pathExists ? 'method_not_allowed' : 'not_found';
}
