// A fake Tempo Cloud REST API v4 (worklogs only), serving the sample agency's worklogs in Tempo's own shape: offset/limit
// pages with `metadata.next`, issues by numeric id, authors by accountId, Bearer auth and a per-second rate limit.
import type { AgencyData, TempoWorklogRecord } from '../agency-data.ts';
import { FakeHttpError, FakeServer, type FakeRequest, type FakeResponse } from './fake-server.ts';

export interface TempoFakeOptions {
  /** The one Bearer token accepted; when absent any non-empty Bearer token is. */
  token?: string;
  latencyMs?: number;
  /** Answer 429 past this many requests in any second; half of those 429s carry no Retry-After (Tempo promises none). */
  requestsPerSecond?: number;
}

/** Where the fake's worklogs say their Jira issues and users live (Tempo links back to the Jira site). */
const JIRA_SITE = 'https://agency.atlassian.net';
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 5000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

interface WorklogFilter {
  from?: string;
  to?: string;
  updatedFrom?: string;
  authorIds?: string[];
  issueIds?: number[];
  projectIds?: number[];
}

export class TempoFake extends FakeServer {
  private readonly token: string | undefined;
  private readonly requestsPerSecond: number | undefined;
  private readonly recentRequests: number[] = [];
  private rateLimited = 0;

  /** `data.worklogs` stays live: tests may push worklogs after the server has started. */
  constructor(
    readonly data: AgencyData['tempo'],
    options: TempoFakeOptions = {},
  ) {
    super('Tempo', { latencyMs: options.latencyMs });
    this.token = options.token;
    this.requestsPerSecond = options.requestsPerSecond;

    this.route('GET', '/4/worklogs', this.guard((req) => this.page(req, this.filterFromQuery(req))));
    this.route('GET', '/4/worklogs/user/{accountId}', this.guard((req) => this.page(req, { ...this.filterFromQuery(req), authorIds: [req.params.accountId!] })));
    this.route('GET', '/4/worklogs/project/{projectId}', this.guard((req) => this.page(req, { ...this.filterFromQuery(req), projectIds: [this.numericId(req.params.projectId!, 'projectId')] })));
    this.route('GET', '/4/worklogs/issue/{issueId}', this.guard((req) => this.page(req, { ...this.filterFromQuery(req), issueIds: [this.numericId(req.params.issueId!, 'issueId')] })));
    this.route('POST', '/4/worklogs/search', this.guard((req) => this.page(req, this.filterFromBody(req))));
  }

  /** Auth first, then the rate limit, as Tempo's gateway does. */
  private guard(handler: (req: FakeRequest) => FakeResponse): (req: FakeRequest) => FakeResponse {
    return (req) => {
      const auth = req.headers.authorization;
      const presented = typeof auth === 'string' ? /^Bearer\s+(\S+)$/.exec(auth)?.[1] : undefined;
      if (!presented || (this.token !== undefined && presented !== this.token)) {
        // Tempo documents 401 as text/html, not JSON: clients must cope with a non-JSON error body.
        throw new FakeHttpError(401, '<html><body><h1>401 Unauthorized</h1></body></html>', { 'content-type': 'text/html' });
      }
      if (this.requestsPerSecond !== undefined) {
        const now = Date.now();
        while (this.recentRequests.length > 0 && this.recentRequests[0]! <= now - 1000) this.recentRequests.shift();
        if (this.recentRequests.length >= this.requestsPerSecond) {
          this.rateLimited += 1;
          const headers: Record<string, string> = this.rateLimited % 2 === 1 ? { 'retry-after': '1' } : {};
          throw new FakeHttpError(429, { errors: { message: 'Rate limit exceeded' } }, headers);
        }
        this.recentRequests.push(now);
      }
      return handler(req);
    };
  }

  private filterFromQuery(req: FakeRequest): WorklogFilter {
    const q = req.query;
    return {
      from: this.date(q.get('from') ?? undefined, 'from'),
      to: this.date(q.get('to') ?? undefined, 'to'),
      updatedFrom: q.get('updatedFrom') ?? undefined,
      projectIds: q.has('projectId') ? q.getAll('projectId').map((v) => this.numericId(v, 'projectId')) : undefined,
      issueIds: q.has('issueId') ? q.getAll('issueId').map((v) => this.numericId(v, 'issueId')) : undefined,
    };
  }

  private filterFromBody(req: FakeRequest): WorklogFilter {
    const body = req.json<Record<string, unknown> | null>() ?? {};
    const list = <T>(name: string, each: (v: unknown) => T): T[] | undefined => {
      const value = body[name];
      if (value === undefined || value === null) return undefined;
      if (!Array.isArray(value)) throw badRequest(`'${name}' must be an array`);
      return value.map(each);
    };
    const day = (name: string) => {
      const value = body[name];
      if (value === undefined || value === null) return undefined;
      // The search body takes dates, and Tempo's own examples also send a full timestamp: keep the date part.
      return this.date(typeof value === 'string' ? value.slice(0, 10) : String(value), name);
    };
    return {
      from: day('from'),
      to: day('to'),
      updatedFrom: typeof body.updatedFrom === 'string' ? body.updatedFrom : undefined,
      authorIds: list('authorIds', String),
      issueIds: list('issueIds', (v) => this.numericId(String(v), 'issueIds')),
      projectIds: list('projectIds', (v) => this.numericId(String(v), 'projectIds')),
    };
  }

  private page(req: FakeRequest, filter: WorklogFilter): FakeResponse {
    const offset = this.integer(req.query.get('offset'), 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = this.integer(req.query.get('limit'), 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT);
    const matching = this.matching(filter);
    const results = matching.slice(offset, offset + limit).map((w) => this.worklogJson(w));
    const pageUrl = (at: number) => {
      const url = new URL(`${this.url}${req.path}`);
      for (const [k, v] of req.query) if (k !== 'offset' && k !== 'limit') url.searchParams.append(k, v);
      url.searchParams.set('offset', String(at));
      url.searchParams.set('limit', String(limit));
      return url.toString();
    };
    const metadata: Record<string, unknown> = { count: results.length, offset, limit };
    if (offset + limit < matching.length) metadata.next = pageUrl(offset + limit);
    if (offset > 0) metadata.previous = pageUrl(Math.max(0, offset - limit));
    return { body: { self: pageUrl(offset), metadata, results } };
  }

  /** Matching worklogs in a stable order (date, time, id), so pages never overlap or skip. */
  private matching(f: WorklogFilter): TempoWorklogRecord[] {
    const updatedFrom = f.updatedFrom === undefined ? undefined : Date.parse(DATE.test(f.updatedFrom) ? `${f.updatedFrom}T00:00:00Z` : f.updatedFrom);
    if (updatedFrom !== undefined && Number.isNaN(updatedFrom)) throw badRequest("'updatedFrom' must be a valid date or date-time");
    return this.data.worklogs
      .filter(
        (w) =>
          (f.from === undefined || w.startDate >= f.from) &&
          (f.to === undefined || w.startDate <= f.to) &&
          (updatedFrom === undefined || Date.parse(w.updatedAt) >= updatedFrom) &&
          (f.authorIds === undefined || f.authorIds.includes(w.authorAccountId)) &&
          (f.issueIds === undefined || f.issueIds.includes(w.issueId)) &&
          (f.projectIds === undefined || f.projectIds.includes(w.projectId)),
      )
      .sort((a, b) => a.startDate.localeCompare(b.startDate) || a.startTime.localeCompare(b.startTime) || a.tempoWorklogId - b.tempoWorklogId);
  }

  private worklogJson(w: TempoWorklogRecord): Record<string, unknown> {
    return {
      self: `${this.url}/4/worklogs/${w.tempoWorklogId}`,
      tempoWorklogId: w.tempoWorklogId,
      issue: { self: `${JIRA_SITE}/rest/api/2/issue/${w.issueId}`, id: w.issueId },
      timeSpentSeconds: w.timeSpentSeconds,
      billableSeconds: w.billableSeconds,
      startDate: w.startDate,
      startTime: w.startTime,
      description: w.description,
      createdAt: w.createdAt,
      updatedAt: w.updatedAt,
      author: { self: `${JIRA_SITE}/rest/api/2/user?accountId=${encodeURIComponent(w.authorAccountId)}`, accountId: w.authorAccountId },
      attributes: { self: `${this.url}/4/worklogs/${w.tempoWorklogId}/work-attribute-values`, values: w.attributes ?? [] },
    };
  }

  private date(value: string | undefined, name: string): string | undefined {
    if (value === undefined) return undefined;
    if (!DATE.test(value) || Number.isNaN(Date.parse(value))) throw badRequest(`'${name}' must be valid on the format: 'yyyy-MM-dd'`);
    return value;
  }

  private integer(value: string | null, name: string, fallback: number, min: number, max: number): number {
    if (value === null) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw badRequest(`'${name}' must be an integer between ${min} and ${max}`);
    return n;
  }

  private numericId(value: string, name: string): number {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw badRequest(`'${name}' must be a numeric id`);
    return n;
  }
}

/** Tempo's JSON error body: `{"errors":{"message":…}}` (an object, per the v4 API docs). */
function badRequest(message: string): FakeHttpError {
  return new FakeHttpError(400, { errors: { message } });
}
