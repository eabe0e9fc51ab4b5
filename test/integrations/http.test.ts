// The shared HTTP policy against a real fake server on 127.0.0.1: retries, Retry-After, timeouts, malformed JSON,
// concurrency, pagination styles, and tokens kept out of errors.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiError,
  HttpClient,
  paginateGithub,
  paginateJiraTokens,
  paginateStartAt,
  paginateTempo,
  retryAfterMs,
  type HttpClientOptions,
} from '../../src/integrations/http.ts';
import { FakeServer } from '../../src/sandbox/servers/fake-server.ts';

const TOKEN = 'tok-SUPERSECRET-123456';
const server = new FakeServer('Test');
let inFlight = 0;
let maxInFlight = 0;

server.route('GET', '/api/things', () => ({ body: { things: [1, 2, 3] } }));
server.route('POST', '/api/echo', (req) => ({ status: 201, body: { got: req.json(), query: Object.fromEntries(req.query) } }));
server.route('DELETE', '/api/things/1', () => ({ status: 204 }));
server.route('GET', '/api/slow', async () => {
  inFlight += 1;
  maxInFlight = Math.max(maxInFlight, inFlight);
  await new Promise((r) => setTimeout(r, 30));
  inFlight -= 1;
  return { body: { ok: true } };
});
server.route('GET', '/api/pages', (req) => {
  const offset = Number(req.query.get('offset') ?? 0);
  const next = offset + 2 < 5 ? `${server.url}/api/pages?offset=${offset + 2}&limit=2` : undefined;
  return { body: { metadata: { count: 2, offset, limit: 2, next }, results: [offset, offset + 1].filter((n) => n < 5) } };
});
server.route('POST', '/api/tokens', (req) => {
  const token = req.json<{ nextPageToken?: string }>().nextPageToken;
  return token === undefined ? { body: { issues: ['a', 'b'], nextPageToken: 'p2' } } : { body: { issues: ['c'], isLast: true } };
});
server.route('GET', '/api/start-at', (req) => {
  const startAt = Number(req.query.get('startAt'));
  // Answers fewer items than asked, as Jira does: the next page starts after what came, not after maxResults.
  const values = [startAt, startAt + 1].filter((n) => n < 5);
  return { body: { startAt, maxResults: 50, total: 5, values } };
});
// Redirects: a renamed resource (301), a temporary move that keeps the method (307), a "see other" after a POST (303),
// one to another host, and a loop.
server.route('GET', '/api/old-things', () => ({ status: 301, headers: { location: '/api/things' } }));
server.route('POST', '/api/moved-echo', () => ({ status: 307, headers: { location: `${server.url}/api/echo?moved=1` } }));
server.route('POST', '/api/create-then-see', () => ({ status: 303, headers: { location: 'things' } }));
server.route('GET', '/api/elsewhere', () => ({ status: 302, headers: { location: 'http://attacker.invalid/collect' } }));
server.route('GET', '/api/loop', () => ({ status: 302, headers: { location: '/api/loop' } }));
server.route('GET', '/api/gh', (req) => {
  const page = Number(req.query.get('page') ?? 1);
  const link = page < 3 ? `<${server.url}/api/gh?page=${page + 1}>; rel="next", <${server.url}/api/gh?page=3>; rel="last"` : `<${server.url}/api/gh?page=1>; rel="first"`;
  return { headers: { link }, body: [page * 10, page * 10 + 1] };
});

function client(o: Partial<HttpClientOptions> = {}): { http: HttpClient; waits: number[] } {
  const waits: number[] = [];
  const http = new HttpClient({
    api: 'Test',
    baseUrl: `${server.url}/api`,
    headers: { Authorization: `Bearer ${TOKEN}` },
    policy: { baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 2000, ...o.policy },
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...o,
  });
  return { http, waits };
}

async function collect<T>(pages: AsyncGenerator<T[]>): Promise<T[][]> {
  const out: T[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}

beforeAll(async () => {
  await server.start();
});
afterAll(async () => {
  await server.stop();
});
afterEach(() => {
  server.clearFaults();
  server.requests.length = 0;
});

describe('HTTP policy', () => {
  it('sends JSON bodies, repeats array query parameters and leaves undefined ones out', async () => {
    const { http } = client();
    const data = await http.post<{ got: unknown; query: Record<string, string> }>('/echo', { a: 1 }, { x: 'y', skip: undefined, ids: [1, 2] });
    expect(data.got).toEqual({ a: 1 });
    expect(server.requests[0]!.query.getAll('ids')).toEqual(['1', '2']);
    expect(server.requests[0]!.query.has('skip')).toBe(false);
  });

  it('returns undefined data for an empty 204', async () => {
    const { http } = client();
    await expect(http.delete('/things/1')).resolves.toBeUndefined();
  });

  it('retries a 429 and honours Retry-After in seconds', async () => {
    server.inject({ status: 429, headers: { 'retry-after': '2' }, body: { message: 'slow down' } });
    const { http, waits } = client();
    await expect(http.get('/things')).resolves.toEqual({ things: [1, 2, 3] });
    expect(waits).toEqual([2000]);
    expect(server.requests).toHaveLength(2);
  });

  it('retries a 429 without Retry-After after a capped backoff', async () => {
    server.inject({ status: 429, times: 2 });
    const { http, waits } = client();
    await http.get('/things');
    expect(waits).toHaveLength(2);
    for (const w of waits) expect(w).toBeLessThanOrEqual(5);
  });

  it('honours a Retry-After given as an HTTP date', async () => {
    const at = new Date(Date.now() + 60_000).toUTCString();
    server.inject({ status: 503, headers: { 'retry-after': at } });
    const { http, waits } = client();
    await http.get('/things');
    expect(waits[0]).toBeGreaterThan(50_000);
    expect(waits[0]).toBeLessThanOrEqual(60_000);
  });

  it('gives up on 5xx after maxAttempts with an ApiError naming the API, endpoint and status', async () => {
    server.inject({ status: 502, times: 10, body: { message: 'upstream broke' } });
    const { http } = client({ policy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 } });
    const err = await http.get('/things', { secret: 'q' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.message).toBe('Test GET /api/things failed after 3 attempts: HTTP 502 {"message":"upstream broke"}');
    expect([e.api, e.endpoint, e.status, e.attempts]).toEqual(['Test', 'GET /api/things', 502, 3]);
    expect(e.body).toEqual({ message: 'upstream broke' });
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a 401, and keeps the token out of the error', async () => {
    server.inject({ status: 401, body: { message: `bad token ${TOKEN}` } });
    const { http } = client();
    const err = (await http.get('/things').catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(401);
    expect(err.attempts).toBe(1);
    expect(server.requests).toHaveLength(1);
    expect(err.message).toContain('Test GET /api/things failed: HTTP 401');
    expect(err.message).not.toContain('SUPERSECRET');
    expect(JSON.stringify(err)).not.toContain('SUPERSECRET');
  });

  it('times out a hanging server and retries, then reports the timeout', async () => {
    server.inject({ hang: true, times: 2 });
    const { http } = client({ policy: { timeoutMs: 100, maxAttempts: 2 } });
    const err = (await http.get('/things').catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toBe('Test GET /api/things failed after 2 attempts: timed out after 100 ms');
    expect(err.status).toBeUndefined();
    expect(String((err.cause as Error).message)).not.toContain('SUPERSECRET');
  });

  it('recovers when only the first attempt hangs', async () => {
    server.inject({ hang: true });
    const { http } = client({ policy: { timeoutMs: 100 } });
    await expect(http.get('/things')).resolves.toEqual({ things: [1, 2, 3] });
  });

  it('reports malformed JSON in a 2xx without retrying', async () => {
    server.inject({ rawBody: '{"things": [1, 2' });
    const { http } = client();
    const err = (await http.get('/things').catch((e: unknown) => e)) as ApiError;
    expect(err.message).toMatch(/^Test GET \/api\/things failed: malformed JSON in the HTTP 200 answer: \{"things": \[1, 2/);
    expect(server.requests).toHaveLength(1);
  });

  it('reports a network error when nothing listens', async () => {
    const http = new HttpClient({ api: 'Test', baseUrl: 'http://127.0.0.1:1/api', policy: { maxAttempts: 2, baseDelayMs: 1 }, sleep: async () => {} });
    const err = (await http.get('/things').catch((e: unknown) => e)) as ApiError;
    expect(err.message).toBe('Test GET /api/things failed after 2 attempts: network error ECONNREFUSED');
  });

  it('never runs more requests at once than the concurrency limit', async () => {
    maxInFlight = 0;
    const { http } = client({ policy: { concurrency: 3 } });
    await Promise.all(Array.from({ length: 12 }, () => http.get('/slow')));
    expect(maxInFlight).toBe(3);
  });

  it('lets an API reader ask for a specific wait, or refuse to retry', async () => {
    server.inject({ status: 403, body: { message: 'secondary rate limit' } });
    const { http, waits } = client({ rateLimit: (res) => ((res.data as { message?: string }).message === 'secondary rate limit' ? 1234 : undefined) });
    await http.get('/things');
    expect(waits).toEqual([1234]);

    server.inject({ status: 429, body: { error: { code: 'insufficient_quota' } } });
    const refusing = client({ rateLimit: () => 'fail' }).http;
    await expect(refusing.get('/things')).rejects.toThrow(/HTTP 429 .*insufficient_quota/);
  });

  it('fails at once when asked to wait longer than it is willing to', async () => {
    server.inject({ status: 429, headers: { 'retry-after': '3600' } });
    const { http, waits } = client({ policy: { maxRetryAfterMs: 60_000 } });
    await expect(http.get('/things')).rejects.toThrow(/asked to wait 3600 s, more than the 60 s we wait/);
    expect(waits).toEqual([]);
  });

  it('does not repeat a non-idempotent request after a 5xx', async () => {
    server.inject({ status: 500 });
    const { http } = client();
    await expect(http.request({ method: 'POST', path: '/echo', body: {}, idempotent: false })).rejects.toThrow(/HTTP 500/);
    expect(server.requests).toHaveLength(1);

    // …even when the API's reader would wait and retry a 5xx.
    server.inject({ status: 503 });
    const eager = client({ rateLimit: () => 10 }).http;
    await expect(eager.request({ method: 'POST', path: '/echo', body: {}, idempotent: false })).rejects.toThrow(/HTTP 503/);
    expect(server.requests).toHaveLength(2);
  });

  it('refuses to send its token to another host', async () => {
    const { http } = client();
    await expect(http.get('http://example.invalid/steal')).rejects.toThrow(/refusing to send a request to another host/);
  });
});

describe('redirects', () => {
  it('follows a same-host 301 for a GET, with the token', async () => {
    const { http } = client();
    await expect(http.get('/old-things')).resolves.toEqual({ things: [1, 2, 3] });
    expect(server.requests.map((r) => r.path)).toEqual(['/api/old-things', '/api/things']);
    expect(server.requests[1]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('repeats a POST with its body on a 307, and continues with a GET after a 303', async () => {
    const { http } = client();
    const moved = await http.post<{ got: unknown; query: Record<string, string> }>('/moved-echo', { a: 1 });
    expect(moved).toEqual({ got: { a: 1 }, query: { moved: '1' } });
    await expect(http.post('/create-then-see', { b: 2 })).resolves.toEqual({ things: [1, 2, 3] });
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/moved-echo', 'POST /api/echo', 'POST /api/create-then-see', 'GET /api/things']);
  });

  it('does not follow a redirect to another host, and says so', async () => {
    const { http } = client();
    const err = await http.get('/elsewhere').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toContain('redirected to another host (attacker.invalid); not followed');
    expect(server.requests).toHaveLength(1);
  });

  it('stops a redirect loop after 5 hops', async () => {
    const { http } = client();
    await expect(http.get('/loop')).rejects.toThrow('more than 5 redirects');
    expect(server.requests).toHaveLength(6);
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, and ignores nonsense', () => {
    const now = Date.parse('2025-11-03T12:00:00Z');
    expect(retryAfterMs({ 'retry-after': '30' }, now)).toBe(30_000);
    expect(retryAfterMs({ 'retry-after': 'Mon, 03 Nov 2025 12:00:10 GMT' }, now)).toBe(10_000);
    expect(retryAfterMs({ 'retry-after': 'Mon, 03 Nov 2025 11:00:00 GMT' }, now)).toBe(0);
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAfterMs({}, now)).toBeUndefined();
  });
});

describe('pagination', () => {
  it('follows Tempo metadata.next until it is absent', async () => {
    const { http } = client();
    expect(await collect(paginateTempo<number>(http, '/pages', { limit: 2 }))).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('passes Jira nextPageToken in the body of a POST and stops when it is absent', async () => {
    const { http } = client();
    const pages = await collect(paginateJiraTokens<string>(http, { method: 'POST', path: '/tokens', body: { jql: 'x' } }, 'issues'));
    expect(pages).toEqual([['a', 'b'], ['c']]);
    expect(JSON.parse(server.requests[1]!.body)).toEqual({ jql: 'x', nextPageToken: 'p2' });
  });

  it('advances Jira startAt by the items received until total', async () => {
    const { http } = client();
    expect(await collect(paginateStartAt<number>(http, '/start-at', { maxResults: 50 }, 'values'))).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('follows GitHub Link rel="next"', async () => {
    const { http } = client();
    expect(await collect(paginateGithub<number>(http, '/gh', { per_page: 2 }))).toEqual([[10, 11], [20, 21], [30, 31]]);
  });
});
