// The Jira Cloud REST v3 client: JQL search with page tokens, issue reads and writes, comments in ADF, bulk
// changelogs and issue properties, normalised to the shapes our jobs use. Thin I/O over http.ts (retries, 429s).
import { createHash } from 'node:crypto';
import { systemClock, type Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import { adfToText, textToAdf } from './adf.ts';
import { ApiError, HttpClient, paginateJiraTokens, paginateStartAt, retryAfterMs, type HttpPolicy, type RateLimitReader } from './http.ts';

export interface JiraClientOptions {
  /** `https://<site>.atlassian.net` */
  baseUrl: string;
  email: string;
  apiToken: string;
  policy?: Partial<HttpPolicy>;
  logger?: Logger;
  /** Tests pass a recording sleep so waits are asserted, not slept. */
  sleep?: (ms: number) => Promise<void>;
  /** Reads `X-RateLimit-Reset` against this clock. */
  clock?: Clock;
}

export type JiraStatusCategoryKey = 'new' | 'indeterminate' | 'done';

export interface JiraIssue {
  id: string;
  key: string;
  projectKey: string;
  summary: string;
  issueType: string;
  /** 1 epic, 0 standard issue, -1 sub-task. */
  hierarchyLevel: number;
  isSubtask: boolean;
  status: string;
  statusCategory: JiraStatusCategoryKey;
  priority: string | null;
  assigneeAccountId: string | null;
  assigneeName: string | null;
  reporterAccountId: string | null;
  parentKey: string | null;
  parentSummary: string | null;
  labels: string[];
  originalEstimateSeconds: number | null;
  /** ISO-8601 in UTC (`…Z`). */
  created: string;
  updated: string;
  resolved: string | null;
  /** Jira's `fields` object as returned, for fields asked for beyond the defaults. */
  fields: Record<string, unknown>;
}

export interface JiraChange {
  field: string;
  fieldId?: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

export interface JiraHistory {
  id: string;
  authorAccountId: string | null;
  /** ISO-8601 in UTC (`…Z`); Jira's `+0000` offsets are read correctly. */
  created: string;
  items: JiraChange[];
}

export interface JiraComment {
  id: string;
  authorAccountId: string | null;
  authorName: string | null;
  /** The ADF body as our markdown-ish text (see adf.ts). */
  text: string;
  created: string;
  updated: string;
}

export interface CreateIssueInput {
  projectKey: string;
  issueType: string;
  summary: string;
  /** Markdown-ish text, sent as ADF. */
  description?: string;
  parentKey?: string;
  assigneeAccountId?: string;
  labels?: string[];
  /** Marks the issue so a retried plan step finds it instead of creating a twin (see findIssueByProperty). */
  idempotency?: { property: string; value: string };
}

export interface JiraIssueEdit {
  summary?: string;
  /** Markdown-ish text, sent as ADF; null clears it. */
  description?: string | null;
  assigneeAccountId?: string | null;
  labels?: string[];
  priority?: string;
  /** null removes the parent. */
  parentKey?: string | null;
}

export interface SearchOptions {
  /** Fields beyond the defaults (they are always asked for: normalising needs them). */
  fields?: string[];
  expand?: string[];
  /** maxResults per request; Jira caps pages with fields at about 100 whatever this says. */
  pageSize?: number;
}

export interface JiraClient {
  search(jql: string, opts?: SearchOptions): AsyncGenerator<JiraIssue[]>;
  searchAll(jql: string, opts?: SearchOptions): Promise<JiraIssue[]>;
  /** Jira's approximate count: recent changes may be missing. */
  countIssues(jql: string): Promise<number>;
  /** null when the issue does not exist (or we may not see it). */
  getIssue(key: string): Promise<JiraIssue | null>;
  createIssue(input: CreateIssueInput): Promise<{ id: string; key: string }>;
  editIssue(key: string, fields: JiraIssueEdit): Promise<void>;
  /** Put an issue under an epic (the one `parent` field of both project styles); null removes it. */
  setParent(key: string, epicKey: string | null): Promise<void>;
  /** Deletes the issue and its sub-tasks. */
  deleteIssue(key: string): Promise<void>;
  assignIssue(key: string, accountId: string | null): Promise<void>;
  /** Move an issue to a status by name, through the transition Jira offers for it. */
  transitionIssue(key: string, statusName: string): Promise<void>;
  addComment(key: string, text: string): Promise<JiraComment>;
  /** Every comment, oldest first. */
  comments(key: string): Promise<JiraComment[]>;
  /** undefined when the issue has no such property. */
  getIssueProperty<T = unknown>(key: string, property: string): Promise<T | undefined>;
  setIssueProperty(key: string, property: string, value: unknown): Promise<void>;
  findIssueByProperty(projectKey: string, property: string, value: string): Promise<JiraIssue | null>;
  /** Histories by issue id, oldest first; issues passed by key are returned under their id. */
  changelogs(issueIdsOrKeys: string[], fieldIds?: string[]): Promise<Map<string, JiraHistory[]>>;
  myself(): Promise<{ accountId: string; displayName: string; emailAddress: string | null }>;
}

/** The fields every search asks for (Jira's default is `id` only). */
export const DEFAULT_ISSUE_FIELDS = [
  'summary', 'status', 'parent', 'issuetype', 'assignee', 'reporter', 'priority', 'labels', 'created', 'updated',
  'resolutiondate', 'timeoriginalestimate', 'project',
] as const;

const BULK_CHANGELOG_IDS = 1000;
/** A quota (not burst) rate limit asking for a longer wait than this fails the job instead of stalling it. */
const QUOTA_WAIT_LIMIT_MS = 5 * 60_000;

/** Jira's `2024-01-15T10:23:45.123+0000` (or any ISO-8601) as ISO-8601 in UTC; null for empty input. */
export function parseJiraDate(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  const withColon = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(withColon);
  if (Number.isNaN(ms)) throw new Error(`Jira: unreadable date '${value}'`);
  return new Date(ms).toISOString();
}

/** The label that findIssueByProperty searches for: labels are indexed by JQL, API-set properties are not. */
export function idempotencyLabel(property: string, value: string): string {
  return `pma-${createHash('sha256').update(`${property}\u0000${value}`).digest('hex').slice(0, 20)}`;
}

/** A changelog item that moved an issue to another parent (epic), whatever the project style calls it. */
export function isParentChange(item: JiraChange): boolean {
  return item.fieldId === 'parent' || ['IssueParentAssociation', 'Parent', 'Epic Link', 'Parent Link'].includes(item.field);
}

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (v !== null && typeof v === 'object' ? (v as Raw) : {});
const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

export function normaliseIssue(raw: unknown): JiraIssue {
  const r = obj(raw);
  const f = obj(r.fields);
  const key = str(r.key) ?? '';
  const type = obj(f.issuetype);
  const status = obj(f.status);
  const category = str(obj(status.statusCategory).key);
  const subtask = type.subtask === true;
  const level = typeof type.hierarchyLevel === 'number' ? type.hierarchyLevel : subtask ? -1 : 0;
  const assignee = f.assignee ? obj(f.assignee) : null;
  const parent = f.parent ? obj(f.parent) : null;
  return {
    id: str(r.id) ?? '',
    key,
    projectKey: str(obj(f.project).key) ?? key.replace(/-\d+$/, ''),
    summary: str(f.summary) ?? '',
    issueType: str(type.name) ?? '',
    hierarchyLevel: level,
    isSubtask: subtask || level === -1,
    status: str(status.name) ?? '',
    statusCategory: category === 'indeterminate' || category === 'done' ? category : 'new',
    priority: str(obj(f.priority).name),
    assigneeAccountId: assignee ? str(assignee.accountId) : null,
    assigneeName: assignee ? str(assignee.displayName) : null,
    reporterAccountId: f.reporter ? str(obj(f.reporter).accountId) : null,
    parentKey: parent ? str(parent.key) : null,
    parentSummary: parent ? str(obj(parent.fields).summary) : null,
    labels: Array.isArray(f.labels) ? f.labels.filter((l): l is string => typeof l === 'string') : [],
    originalEstimateSeconds: typeof f.timeoriginalestimate === 'number' ? f.timeoriginalestimate : null,
    created: parseJiraDate(f.created) ?? '',
    updated: parseJiraDate(f.updated) ?? '',
    resolved: parseJiraDate(f.resolutiondate),
    fields: f,
  };
}

export function normaliseHistory(raw: unknown): JiraHistory {
  const h = obj(raw);
  return {
    id: str(h.id) ?? '',
    authorAccountId: h.author ? str(obj(h.author).accountId) : null,
    created: parseJiraDate(h.created) ?? '',
    items: (Array.isArray(h.items) ? h.items : []).map((it) => {
      const i = obj(it);
      const change: JiraChange = { field: str(i.field) ?? '', from: str(i.from), fromString: str(i.fromString), to: str(i.to), toString: str(i.toString) };
      if (typeof i.fieldId === 'string') change.fieldId = i.fieldId;
      return change;
    }),
  };
}

function normaliseComment(raw: unknown): JiraComment {
  const c = obj(raw);
  const author = c.author ? obj(c.author) : null;
  return {
    id: str(c.id) ?? '',
    authorAccountId: author ? str(author.accountId) : null,
    authorName: author ? str(author.displayName) : null,
    text: adfToText(c.body),
    created: parseJiraDate(c.created) ?? '',
    updated: parseJiraDate(c.updated) ?? '',
  };
}

/** Jira's error body (`{errorMessages, errors}`, or `{message}`) as one readable line. */
export function jiraErrorText(body: unknown): string | null {
  const b = obj(body);
  const parts = [
    ...(Array.isArray(b.errorMessages) ? b.errorMessages.map(String) : []),
    ...Object.entries(obj(b.errors)).map(([field, msg]) => `${field}: ${String(msg)}`),
  ];
  if (parts.length === 0 && typeof b.message === 'string') parts.push(b.message);
  return parts.length > 0 ? parts.join('; ') : null;
}

/**
 * Jira's rate limits (API-NOTES §2): wait as told by Retry-After or X-RateLimit-Reset on 429; a quota limit
 * (RateLimit-Reason other than the burst ones) asking for more than five minutes fails at once.
 */
function jiraRateLimit(remember: (stop: { reason: string; waitMs: number }) => void, clock: Clock): RateLimitReader {
  return (res) => {
    if (res.status !== 429 && res.status !== 503) return undefined;
    let waitMs = retryAfterMs(res.headers);
    const reset = res.headers['x-ratelimit-reset'];
    if (waitMs === undefined && reset) {
      const at = Date.parse(reset);
      if (!Number.isNaN(at)) waitMs = Math.max(0, at - clock.now().getTime());
    }
    const reason = res.headers['ratelimit-reason'];
    if (reason && !/burst|per-issue/i.test(reason) && waitMs !== undefined && waitMs > QUOTA_WAIT_LIMIT_MS) {
      remember({ reason, waitMs });
      return 'fail';
    }
    // A 503 is left to the default policy, which never repeats a non-idempotent write after a 5xx.
    return res.status === 429 ? waitMs : undefined;
  };
}

export function createJiraClient(o: JiraClientOptions): JiraClient {
  let quotaStop: { reason: string; waitMs: number } | undefined;
  const http = new HttpClient({
    api: 'Jira',
    baseUrl: o.baseUrl,
    headers: { Authorization: `Basic ${Buffer.from(`${o.email}:${o.apiToken}`).toString('base64')}` },
    policy: o.policy,
    logger: o.logger,
    sleep: o.sleep,
    rateLimit: jiraRateLimit((stop) => { quotaStop = stop; }, o.clock ?? systemClock),
  });

  const explained = new WeakSet<ApiError>();
  /** Re-throw http.ts's ApiError with Jira's own words in the message. */
  const explain = (err: unknown): unknown => {
    if (!(err instanceof ApiError) || err.status === undefined || explained.has(err)) return err;
    let reason = `HTTP ${err.status}`;
    const text = jiraErrorText(err.body) ?? (typeof err.body === 'string' ? err.body.slice(0, 200) : null);
    if (text) reason += ` — ${text}`;
    if (err.status === 401) reason += ' (check JIRA_EMAIL and JIRA_API_TOKEN)';
    if ((err.status === 429 || err.status === 503) && quotaStop) {
      reason += ` — Jira quota limit '${quotaStop.reason}' asks to wait ${Math.ceil(quotaStop.waitMs / 60_000)} min; not waiting more than ${QUOTA_WAIT_LIMIT_MS / 60_000} min`;
      quotaStop = undefined;
    }
    const better = new ApiError({ api: err.api, endpoint: err.endpoint, status: err.status, body: err.body, attempts: err.attempts, reason, cause: err });
    explained.add(better);
    return better;
  };
  const call = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      throw explain(err);
    }
  };
  async function* pages<T>(source: AsyncGenerator<T[]>): AsyncGenerator<T[]> {
    try {
      yield* source;
    } catch (err) {
      throw explain(err);
    }
  }
  const issuePath = (key: string) => `/rest/api/3/issue/${encodeURIComponent(key)}`;

  const client: JiraClient = {
    async *search(jql, opts = {}) {
      const fields = [...new Set([...DEFAULT_ISSUE_FIELDS, ...(opts.fields ?? [])])];
      const body: Raw = { jql, fields, maxResults: opts.pageSize ?? 100 };
      if (opts.expand?.length) body.expand = opts.expand.join(',');
      for await (const page of pages(paginateJiraTokens<unknown>(http, { method: 'POST', path: '/rest/api/3/search/jql', body }, 'issues'))) {
        yield page.map(normaliseIssue);
      }
    },

    async searchAll(jql, opts) {
      const all: JiraIssue[] = [];
      for await (const page of client.search(jql, opts)) all.push(...page);
      return all;
    },

    countIssues: (jql) => call(async () => Number((await http.post<{ count?: number }>('/rest/api/3/search/approximate-count', { jql }))?.count ?? 0)),

    getIssue: (key) =>
      call(async () => {
        try {
          return normaliseIssue(await http.get(issuePath(key), { fields: DEFAULT_ISSUE_FIELDS.join(',') }));
        } catch (err) {
          if (err instanceof ApiError && err.status === 404) return null;
          throw err;
        }
      }),

    createIssue: (input) =>
      call(async () => {
        const labels = [...(input.labels ?? [])];
        if (input.idempotency) labels.push(idempotencyLabel(input.idempotency.property, input.idempotency.value));
        const fields: Raw = { project: { key: input.projectKey }, issuetype: { name: input.issueType }, summary: input.summary };
        if (input.description !== undefined) fields.description = textToAdf(input.description);
        if (input.parentKey) fields.parent = { key: input.parentKey };
        if (input.assigneeAccountId) fields.assignee = { accountId: input.assigneeAccountId };
        if (labels.length > 0) fields.labels = labels;
        // The idempotency property is set in the same request (IssueUpdateDetails.properties): one call, and never an
        // issue without its key. Not idempotent: a timeout or 5xx is not retried, or one plan step could create two issues.
        const properties = input.idempotency ? [{ key: input.idempotency.property, value: { key: input.idempotency.value } }] : undefined;
        const res = await http.request<{ id: string; key: string }>({ method: 'POST', path: '/rest/api/3/issue', body: { fields, ...(properties ? { properties } : {}) }, idempotent: false });
        return { id: String(res.data.id), key: res.data.key };
      }),

    editIssue: (key, edit) =>
      call(async () => {
        const fields: Raw = {};
        if (edit.summary !== undefined) fields.summary = edit.summary;
        if (edit.description !== undefined) fields.description = edit.description === null ? null : textToAdf(edit.description);
        if (edit.assigneeAccountId !== undefined) fields.assignee = edit.assigneeAccountId === null ? null : { accountId: edit.assigneeAccountId };
        if (edit.labels !== undefined) fields.labels = edit.labels;
        if (edit.priority !== undefined) fields.priority = { name: edit.priority };
        if (edit.parentKey !== undefined) fields.parent = edit.parentKey === null ? null : { key: edit.parentKey };
        if (Object.keys(fields).length > 0) await http.put(issuePath(key), { fields });
      }),

    setParent: (key, epicKey) => client.editIssue(key, { parentKey: epicKey }),

    deleteIssue: (key) => call(async () => { await http.delete(issuePath(key), { deleteSubtasks: 'true' }); }),

    assignIssue: (key, accountId) => call(async () => { await http.put(`${issuePath(key)}/assignee`, { accountId }); }),

    transitionIssue: (key, statusName) =>
      call(async () => {
        const { transitions = [] } = (await http.get<{ transitions?: { id: string; name: string; to?: { name?: string } }[] }>(`${issuePath(key)}/transitions`)) ?? {};
        const wanted = statusName.toLowerCase();
        const t = transitions.find((x) => x.to?.name?.toLowerCase() === wanted) ?? transitions.find((x) => x.name.toLowerCase() === wanted);
        if (!t) throw new Error(`Jira: ${key} cannot move to '${statusName}' (available: ${transitions.map((x) => x.to?.name ?? x.name).join(', ') || 'none'})`);
        await http.post(`${issuePath(key)}/transitions`, { transition: { id: t.id } });
      }),

    addComment: (key, text) => call(async () => normaliseComment(await http.post(`${issuePath(key)}/comment`, { body: textToAdf(text) }))),

    comments: (key) =>
      call(async () => {
        const all: JiraComment[] = [];
        const source = paginateStartAt<unknown>(http, `${issuePath(key)}/comment`, { maxResults: 100, orderBy: 'created' }, 'comments');
        for await (const page of source) all.push(...page.map(normaliseComment));
        return all;
      }),

    getIssueProperty: <T>(key: string, property: string) =>
      call(async () => {
        try {
          return (await http.get<{ value: T }>(`${issuePath(key)}/properties/${encodeURIComponent(property)}`)).value;
        } catch (err) {
          if (err instanceof ApiError && err.status === 404) return undefined;
          throw err;
        }
      }),

    setIssueProperty: (key, property, value) => call(async () => { await http.put(`${issuePath(key)}/properties/${encodeURIComponent(property)}`, value); }),

    /**
     * The issue of a project carrying an idempotency key set by createIssue. Found through a label, because JQL
     * reaches issue properties only when an app indexes them; the property then confirms the match. Search is
     * eventually consistent: an issue created seconds ago may not be found yet.
     */
    async findIssueByProperty(projectKey, property, value) {
      const label = idempotencyLabel(property, value);
      const candidates = await client.searchAll(`project = "${projectKey.replace(/"/g, '\\"')}" AND labels = "${label}" ORDER BY created ASC`);
      for (const issue of candidates) {
        // No property at all means the create succeeded but setting it did not: the label alone identifies it.
        const stored = await client.getIssueProperty<unknown>(issue.key, property);
        if (stored === undefined || stored === value || obj(stored).key === value) return issue;
      }
      return null;
    },

    changelogs: (issueIdsOrKeys, fieldIds) =>
      call(async () => {
        const ids = [...new Set(issueIdsOrKeys)];
        const byIssue = new Map<string, JiraHistory[]>(ids.filter((id) => /^\d+$/.test(id)).map((id) => [id, []]));
        for (let i = 0; i < ids.length; i += BULK_CHANGELOG_IDS) {
          const body: Raw = { issueIdsOrKeys: ids.slice(i, i + BULK_CHANGELOG_IDS), maxResults: 10_000 };
          if (fieldIds?.length) body.fieldIds = fieldIds;
          const request = { method: 'POST' as const, path: '/rest/api/3/changelog/bulkfetch', body };
          const source = paginateJiraTokens<{ issueId: string; changeHistories?: unknown[] }>(http, request, 'issueChangeLogs');
          for await (const page of source) {
            for (const log of page) {
              const list = byIssue.get(String(log.issueId)) ?? [];
              list.push(...(log.changeHistories ?? []).map(normaliseHistory));
              byIssue.set(String(log.issueId), list);
            }
          }
        }
        for (const list of byIssue.values()) list.sort((a, b) => a.created.localeCompare(b.created) || Number(a.id) - Number(b.id));
        return byIssue;
      }),

    myself: () =>
      call(async () => {
        const me = obj(await http.get('/rest/api/3/myself'));
        return { accountId: str(me.accountId) ?? '', displayName: str(me.displayName) ?? '', emailAddress: str(me.emailAddress) };
      }),
  };
  return client;
}
