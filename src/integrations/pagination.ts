// The pagination styles of Tempo, Jira and GitHub as async iterators over an HttpClient, one page per step.
// Each API marks its last page differently (API-NOTES §0); a short page never means "last page".
import { ApiError, excerpt } from './api-error.ts';
import type { HttpClient, HttpRequest, HttpResponse } from './http.ts';

function loopGuard(client: HttpClient, method: string, path: string): (key: string) => void {
  const seen = new Set<string>();
  return (key) => {
    if (seen.has(key)) {
      throw new ApiError({ api: client.api, endpoint: `${method} ${path.replace(/^https?:\/\/[^/]+/i, '').split('?')[0]}`, attempts: 1, reason: `pagination repeated a page (${excerpt(key, 80)})` });
    }
    seen.add(key);
  };
}

/** Tempo: `results` per page, follow `metadata.next` as given. POST (worklogs/search) when a body is given. */
export async function* paginateTempo<T>(client: HttpClient, path: string, query?: HttpRequest['query'], body?: unknown): AsyncGenerator<T[]> {
  const method = body === undefined ? 'GET' : 'POST';
  const guard = loopGuard(client, method, path);
  let next: HttpRequest | undefined = { method, path, query, body };
  while (next) {
    const page: { results?: T[]; metadata?: { next?: string } } = (await client.request<{ results?: T[]; metadata?: { next?: string } }>(next)).data ?? {};
    yield page.results ?? [];
    const link = page.metadata?.next;
    if (link) guard(link);
    next = link ? { method, path: link, body } : undefined;
  }
}

/** Jira's token paging (search/jql, changelog/bulkfetch): `nextPageToken` in the query (GET) or body (POST). */
export async function* paginateJiraTokens<T>(client: HttpClient, req: HttpRequest, itemsKey: string): AsyncGenerator<T[]> {
  const guard = loopGuard(client, req.method, req.path);
  let token: string | undefined;
  do {
    const page: HttpRequest =
      token === undefined
        ? req
        : req.method === 'GET'
          ? { ...req, query: { ...req.query, nextPageToken: token } }
          : { ...req, body: { ...(req.body as Record<string, unknown>), nextPageToken: token } };
    const data = (await client.request<Record<string, unknown>>(page)).data ?? {};
    yield (data[itemsKey] as T[] | undefined) ?? [];
    token = typeof data.nextPageToken === 'string' && data.nextPageToken !== '' ? data.nextPageToken : undefined;
    if (token !== undefined) guard(token);
  } while (token !== undefined);
}

/** Jira's older startAt/maxResults paging (issue changelog, comments): stop on isLast, or when total is reached. */
export async function* paginateStartAt<T>(client: HttpClient, path: string, query: HttpRequest['query'], itemsKey: string): AsyncGenerator<T[]> {
  let startAt = Number(query?.startAt ?? 0);
  for (;;) {
    const data = (await client.get<Record<string, unknown>>(path, { ...query, startAt })) ?? {};
    const items = (data[itemsKey] as T[] | undefined) ?? [];
    yield items;
    startAt += items.length;
    if (data.isLast === true || items.length === 0) return;
    if (data.isLast !== false && typeof data.total === 'number' && startAt >= data.total) return;
  }
}

/** GitHub: an array per page, follow the Link header's rel="next". */
export async function* paginateGithub<T>(client: HttpClient, path: string, query?: HttpRequest['query']): AsyncGenerator<T[]> {
  const guard = loopGuard(client, 'GET', path);
  let next: HttpRequest | undefined = { method: 'GET', path, query };
  while (next) {
    const res: HttpResponse<T[]> = await client.request<T[]>(next);
    yield Array.isArray(res.data) ? res.data : [];
    const link = linkRel(res.headers.link, 'next');
    if (link) guard(link);
    next = link ? { method: 'GET', path: link } : undefined;
  }
}

/** The URL of one relation in an RFC 8288 Link header (`<…>; rel="next", <…>; rel="last"`). */
export function linkRel(header: string | undefined, rel: string): string | undefined {
  for (const part of (header ?? '').split(/,(?=\s*<)/)) {
    const m = /<([^>]+)>\s*;(.*)/.exec(part.trim());
    const rels = m ? /rel="?([^";]+)"?/.exec(m[2]!)?.[1]?.split(/\s+/) : undefined;
    if (m && rels?.includes(rel)) return m[1];
  }
  return undefined;
}
