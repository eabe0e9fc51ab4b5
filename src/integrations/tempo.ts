// Tempo Cloud REST API v4 client: reads worklogs for a period, page by page at Tempo's largest page size, and turns
// them into our Worklog shape (issue ids as strings, to match Jira's).
import type { Logger } from '../logger.ts';
import { HttpClient, paginateTempo, retryAfterMs, type HttpPolicy, type HttpRequest, type RateLimitReader } from './http.ts';

export interface Worklog {
  id: number;
  /** Tempo's numeric Jira issue id, as a string to match Jira's `id`. */
  issueId: string;
  accountId: string;
  seconds: number;
  billableSeconds: number;
  /** YYYY-MM-DD, the worker's local date. */
  startDate: string;
  /** HH:MM:SS */
  startTime: string;
  description: string;
  updatedAt: string;
  /** Work attributes by key (`_Account_` → `ACC-1`). */
  attributes: Record<string, string>;
}

export interface WorklogQuery {
  /** First and last day, YYYY-MM-DD, both inclusive. */
  from: string;
  to: string;
  /** Only these Jira projects; an empty list matches nothing. */
  projectIds?: number[];
  /** Only these authors; an empty list matches nothing. */
  accountIds?: string[];
  /** Only worklogs created or changed since (YYYY-MM-DD or ISO date-time). */
  updatedFrom?: string;
}

export interface TempoClient {
  worklogs(q: WorklogQuery): Promise<Worklog[]>;
  /** The same worklogs a page at a time, for months too big to hold twice. */
  worklogPages(q: WorklogQuery): AsyncGenerator<Worklog[]>;
}

export interface TempoClientOptions {
  /** Default https://api.tempo.io/4 */
  baseUrl?: string;
  token: string;
  policy?: Partial<HttpPolicy>;
  logger?: Logger;
  /** Tests replace the waits between retries. */
  sleep?: (ms: number) => Promise<void>;
}

/** Tempo's largest page: a month of an agency's worklogs in the fewest requests. */
export const TEMPO_PAGE_SIZE = 5000;

interface TempoWorklogJson {
  tempoWorklogId: number;
  issue: { id: number };
  author: { accountId: string };
  timeSpentSeconds: number;
  billableSeconds?: number;
  startDate: string;
  startTime?: string;
  description?: string;
  updatedAt: string;
  attributes?: { values?: { key: string; value: string }[] };
}

/**
 * Tempo advises waiting at least a second after a 429 (Retry-After is not promised) and pausing 5, 10, 15 s between
 * retries of a 5xx.
 */
export const tempoRateLimit: RateLimitReader = (res, attempt) => {
  if (res.status === 429) return Math.max(1000, retryAfterMs(res.headers) ?? 1000 * attempt);
  if (res.status >= 500) return retryAfterMs(res.headers) ?? 5000 * attempt;
  return undefined;
};

export function createTempoClient(options: TempoClientOptions): TempoClient {
  const http = new HttpClient({
    api: 'Tempo',
    baseUrl: options.baseUrl ?? 'https://api.tempo.io/4',
    headers: { Authorization: `Bearer ${options.token}` },
    policy: options.policy,
    logger: options.logger,
    sleep: options.sleep,
    rateLimit: tempoRateLimit,
  });

  async function* worklogPages(q: WorklogQuery): AsyncGenerator<Worklog[]> {
    if (q.projectIds?.length === 0 || q.accountIds?.length === 0) return;
    const paging = { offset: 0, limit: TEMPO_PAGE_SIZE };
    const pages =
      (q.accountIds?.length ?? 0) > 0 || (q.projectIds?.length ?? 0) > 1
        ? // Several authors or projects: one search instead of a request series per author.
          paginateTempo<TempoWorklogJson>(http, '/worklogs/search', paging, {
            from: q.from,
            to: q.to,
            authorIds: q.accountIds,
            projectIds: q.projectIds,
            updatedFrom: q.updatedFrom,
          })
        : paginateTempo<TempoWorklogJson>(http, '/worklogs', {
            from: q.from,
            to: q.to,
            projectId: q.projectIds,
            updatedFrom: q.updatedFrom,
            ...paging,
          } satisfies HttpRequest['query']);
    for await (const page of pages) yield page.map(toWorklog);
  }

  return {
    worklogPages,
    async worklogs(q) {
      const all: Worklog[] = [];
      for await (const page of worklogPages(q)) all.push(...page);
      return all;
    },
  };
}

function toWorklog(w: TempoWorklogJson): Worklog {
  return {
    id: w.tempoWorklogId,
    issueId: String(w.issue.id),
    accountId: w.author.accountId,
    seconds: w.timeSpentSeconds,
    billableSeconds: w.billableSeconds ?? w.timeSpentSeconds,
    startDate: w.startDate,
    startTime: w.startTime ?? '00:00:00',
    description: w.description ?? '',
    updatedAt: w.updatedAt,
    attributes: Object.fromEntries((w.attributes?.values ?? []).map((a) => [a.key, a.value])),
  };
}
