// Paged reads in the fake Jira: JQL search (opaque page tokens bound to the query, approximate count) and change
// histories (one issue's startAt pages, and bulkfetch across issues with tokens).
import { createHash } from 'node:crypto';
import type { JiraHistoryRecord, JiraIssueRecord } from '../agency-data.ts';
import { intParam, jiraError } from './jira-errors.ts';
import { selectFields, type JiraShapes } from './jira-shapes.ts';
import type { JiraStore } from './jira-store.ts';
import type { FakeRequest, FakeResponse } from './fake-server.ts';
import { compileJql, JqlError, parseJql, type JqlContext } from './jql.ts';

const UNBOUNDED = 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.';

function encodeToken(payload: object): string {
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/** The offset a page token carries; a token from another query, or garbage, is Jira's 400. */
function decodeToken(token: string, fingerprint: string): number {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; f?: unknown };
    if (value.f !== fingerprint || !Number.isInteger(value.o) || (value.o as number) < 0) throw new Error('not our token');
    return value.o as number;
  } catch {
    throw jiraError(400, ['The provided next page token is invalid or expired.']);
  }
}

function fingerprint(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/** Page sizes as the fake is set now (tests change them between requests). */
export interface JiraPageSizes {
  /** Most issues per search page when real fields are asked for. */
  readonly pageSize: number;
  /** Most change histories per bulkfetch page. */
  readonly changelogPageSize: number;
}

export class JiraSearch {
  constructor(
    private readonly store: JiraStore,
    private readonly shapes: JiraShapes,
    private readonly sizes: JiraPageSizes,
    private readonly indexedProperties: string[],
  ) {}

  private jqlContext(): JqlContext {
    return {
      now: this.store.clock.now(),
      currentAccountId: this.store.myself.accountId,
      projects: this.store.data.projects,
      issues: this.store.data.issues,
      accountIds: [...this.store.data.users.map((u) => u.accountId), this.store.myself.accountId],
      indexedProperties: this.indexedProperties,
    };
  }

  /** Issues matching a bounded JQL query, in its order; JQL errors become Jira's 400. */
  private query(jql: unknown): JiraIssueRecord[] {
    if (typeof jql !== 'string') throw jiraError(400, [UNBOUNDED]);
    try {
      const compiled = compileJql(parseJql(jql), this.jqlContext());
      if (!compiled.bounded) throw jiraError(400, [UNBOUNDED]);
      return compiled.sort(this.store.data.issues.filter(compiled.matches));
    } catch (err) {
      if (err instanceof JqlError) throw jiraError(400, [err.message]);
      throw err;
    }
  }

  /** GET or POST /search/jql: enhanced search, paged with opaque tokens bound to the query. */
  jql(req: FakeRequest, method: 'GET' | 'POST'): FakeResponse {
    let params: { jql?: unknown; nextPageToken?: unknown; maxResults?: unknown; fields?: unknown; expand?: unknown; properties?: unknown };
    if (method === 'POST') {
      const body = req.json<Record<string, unknown>>() ?? {};
      const known = ['jql', 'nextPageToken', 'maxResults', 'fields', 'expand', 'properties', 'fieldsByKeys', 'failFast', 'reconcileIssues'];
      const unknown = Object.keys(body).filter((k) => !known.includes(k));
      if (unknown.length > 0) throw jiraError(400, [`Unrecognized field "${unknown[0]}" in the request body.`]);
      if (body.fields !== undefined && !Array.isArray(body.fields)) throw jiraError(400, ['fields: expected a list of field names.']);
      params = body;
    } else {
      const q = req.query;
      params = {
        jql: q.get('jql') ?? undefined,
        nextPageToken: q.get('nextPageToken') ?? undefined,
        maxResults: q.get('maxResults') ?? undefined,
        fields: q.getAll('fields'),
        expand: q.get('expand') ?? undefined,
        properties: q.getAll('properties'),
      };
    }
    const fields = selectFields(params.fields as string[] | undefined, ['id']);
    const heavy = [...fields].some((f) => f !== 'id' && f !== 'key');
    const maxResults = intParam(params.maxResults as string | number | undefined, 'maxResults', 50, 1, 5000);
    const limit = Math.min(maxResults, heavy ? this.sizes.pageSize : 5000);
    const print = fingerprint(['search', params.jql]);
    const offset = typeof params.nextPageToken === 'string' && params.nextPageToken !== '' ? decodeToken(params.nextPageToken, print) : 0;
    const matches = this.query(params.jql);
    const page = matches.slice(offset, offset + limit);
    const isLast = offset + page.length >= matches.length;
    const expand = String(params.expand ?? '').split(',').map((e) => e.trim());
    const properties = ((params.properties as string[] | undefined) ?? []).flatMap((p) => p.split(',')).filter(Boolean);
    if (properties.length > 5) throw jiraError(400, ['properties: at most 5 issue properties can be requested.']);
    const bare = fields.size === 1 && fields.has('id') && properties.length === 0 && !expand.includes('changelog');
    const issues = page.map((issue) => (bare ? { id: issue.id } : this.shapes.issueJson(issue, fields, expand, properties)));
    return { body: isLast ? { issues, isLast } : { issues, nextPageToken: encodeToken({ o: offset + page.length, f: print }), isLast } };
  }

  approximateCount(req: FakeRequest): FakeResponse {
    const body = req.json<{ jql?: unknown }>() ?? {};
    return { body: { count: this.query(body.jql).length } };
  }

  issueChangelog(req: FakeRequest): FakeResponse {
    const issue = this.store.mustFind(req.params.key!);
    const startAt = intParam(req.query.get('startAt'), 'startAt', 0, 0, Number.MAX_SAFE_INTEGER);
    const maxResults = Math.min(intParam(req.query.get('maxResults'), 'maxResults', 100, 0, 5000), 100);
    const all = this.store.oldestFirst(issue.changelog);
    const values = all.slice(startAt, startAt + maxResults).map((h) => this.shapes.historyJson(h));
    const isLast = startAt + values.length >= all.length;
    const base = this.shapes.self(`/issue/${issue.key}/changelog`);
    const pageUrl = (at: number) => `${base}?maxResults=${maxResults}&startAt=${at}`;
    const next = isLast ? {} : { nextPage: pageUrl(startAt + values.length) };
    return { body: { self: pageUrl(startAt), ...next, maxResults, startAt, total: all.length, isLast, values } };
  }

  bulkChangelog(req: FakeRequest): FakeResponse {
    const body = req.json<{ issueIdsOrKeys?: unknown; fieldIds?: unknown; maxResults?: unknown; nextPageToken?: unknown }>() ?? {};
    const ids = body.issueIdsOrKeys;
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > 1000) throw jiraError(400, [], { issueIdsOrKeys: 'Provide between 1 and 1000 issue ids or keys.' });
    const fieldIds = body.fieldIds === undefined ? [] : body.fieldIds;
    if (!Array.isArray(fieldIds) || fieldIds.length > 10) throw jiraError(400, [], { fieldIds: 'Provide at most 10 field ids.' });
    const maxResults = intParam(body.maxResults as number | undefined, 'maxResults', 1000, 1, 10000);
    const print = fingerprint(['bulkfetch', ids, fieldIds]);
    const offset = typeof body.nextPageToken === 'string' ? decodeToken(body.nextPageToken, print) : 0;

    // Oldest change first across all issues, then by issue id: Jira's documented order for this endpoint.
    const wanted = new Set(ids.map(String));
    const entries: { issue: JiraIssueRecord; history: JiraHistoryRecord }[] = [];
    for (const issue of this.store.data.issues) {
      if (!wanted.has(issue.id) && !wanted.has(issue.key)) continue;
      for (const history of issue.changelog) {
        const items = fieldIds.length === 0 ? history.items : history.items.filter((it) => fieldIds.includes(it.fieldId ?? it.field));
        if (items.length > 0) entries.push({ issue, history: { ...history, items } });
      }
    }
    entries.sort((a, b) => Date.parse(a.history.created) - Date.parse(b.history.created) || Number(a.issue.id) - Number(b.issue.id) || Number(a.history.id) - Number(b.history.id));
    const page = entries.slice(offset, offset + Math.min(maxResults, this.sizes.changelogPageSize));
    const issueChangeLogs: { issueId: string; changeHistories: unknown[] }[] = [];
    for (const { issue, history } of page) {
      const last = issueChangeLogs[issueChangeLogs.length - 1];
      if (last && last.issueId === issue.id) last.changeHistories.push(this.shapes.historyJson(history));
      else issueChangeLogs.push({ issueId: issue.id, changeHistories: [this.shapes.historyJson(history)] });
    }
    const more = offset + page.length < entries.length;
    return { body: more ? { issueChangeLogs, nextPageToken: encodeToken({ o: offset + page.length, f: print }) } : { issueChangeLogs } };
  }
}
