// A fake Jira Cloud REST v3 server over the sample agency's Jira data: enhanced JQL search with opaque page tokens,
// issues, comments (ADF), changelogs (per issue and bulk), issue properties, transitions, Basic auth and Jira's error
// bodies. Stricter than Jira where they could differ (API-NOTES §2). Mutations change `data` in place.
import { createHash } from 'node:crypto';
import { systemClock, type Clock } from '../../clock.ts';
import { adfToText, isAdfDocument, textToAdf } from '../../integrations/adf.ts';
import type { AgencyData, JiraChangeItem, JiraHistoryRecord, JiraIssueRecord, JiraStatusCategory, JiraUserRecord } from '../agency-data.ts';
import { FakeHttpError, FakeServer, type FakeRequest, type FakeResponse, type RouteHandler } from './fake-server.ts';
import { compileJql, JqlError, parseJql, type JqlContext } from './jql.ts';

export interface JiraFakeOptions {
  /** The account whose email and API token are accepted (Basic auth). */
  email?: string;
  apiToken?: string;
  latencyMs?: number;
  /** Most issues per search page when real fields are asked for: 100 on real Jira whatever maxResults says. */
  pageSize?: number;
  /** Most change histories per bulkfetch page, whatever maxResults says (Jira may return fewer than asked). */
  changelogPageSize?: number;
  /** "Now" for relative JQL dates and for the timestamps of changes made through the API. */
  clock?: Clock;
  /** Issue property keys searchable with `issue.property[…]` (on real Jira only when an app indexes them). */
  indexedProperties?: string[];
}

const V3 = '/rest/api/3';
const SEARCH_REMOVED =
  'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046';
const UNBOUNDED = 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.';
const ISSUE_MISSING = 'Issue does not exist or you do not have permission to see it.';
const CATEGORY = {
  new: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
} as const;
const ISSUE_TYPES = {
  Epic: { id: '10000', hierarchyLevel: 1 },
  Story: { id: '10001', hierarchyLevel: 0 },
  Task: { id: '10002', hierarchyLevel: 0 },
  Bug: { id: '10003', hierarchyLevel: 0 },
  'Sub-task': { id: '10004', hierarchyLevel: -1 },
} as const;
type IssueTypeName = keyof typeof ISSUE_TYPES;
const PRIORITIES = ['Highest', 'High', 'Medium', 'Low', 'Lowest'] as const;
const DEFAULT_STATUSES: [string, JiraStatusCategory][] = [['To Do', 'new'], ['In Progress', 'indeterminate'], ['In Review', 'indeterminate'], ['Done', 'done']];
/** Fields returned for `*all` / `*navigable` and the default of GET issue. */
const ALL_FIELDS = [
  'summary', 'status', 'issuetype', 'parent', 'assignee', 'reporter', 'creator', 'priority', 'labels', 'created', 'updated',
  'resolutiondate', 'resolution', 'timeoriginalestimate', 'project', 'description', 'subtasks', 'customfield_10016', 'comment',
];

/** Jira's timestamp format: `2024-01-15T10:23:45.123+0000` (UTC, offset without a colon). */
export function formatJiraDate(iso: string): string {
  return new Date(iso).toISOString().replace('Z', '+0000');
}

function notSettable(field: string): string {
  return `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.`;
}

function jiraError(status: number, messages: string[], errors: Record<string, string> = {}): FakeHttpError {
  return new FakeHttpError(status, { errorMessages: messages, errors });
}

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

/** `fields` as Jira reads it: repeated or comma-separated, `*all`, `*navigable`, `-name` to leave one out. */
function selectFields(requested: string[] | undefined, fallback: string[]): Set<string> {
  const names = (requested ?? []).flatMap((f) => f.split(',')).map((f) => f.trim()).filter(Boolean);
  const chosen = new Set<string>(names.length === 0 ? fallback : []);
  for (const name of names) {
    if (name === '*all') ALL_FIELDS.forEach((f) => chosen.add(f));
    else if (name === '*navigable') ALL_FIELDS.filter((f) => f !== 'comment').forEach((f) => chosen.add(f));
    else if (!name.startsWith('-')) chosen.add(name);
  }
  for (const name of names) if (name.startsWith('-')) chosen.delete(name.slice(1));
  return chosen;
}

function intParam(value: string | number | undefined | null, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw jiraError(400, [`The value '${value}' of '${name}' is invalid: expected a whole number from ${min} to ${max}.`]);
  return n;
}

export class JiraFake extends FakeServer {
  /** Issues created through the API, in order of creation. */
  readonly createdIssues: JiraIssueRecord[] = [];
  readonly email: string;
  readonly apiToken: string;
  pageSize: number;
  changelogPageSize: number;
  private readonly clock: Clock;
  private readonly indexedProperties: string[];
  private readonly statusIds = new Map<string, string>();
  private readonly statusCategories = new Map<string, JiraStatusCategory>();
  private readonly statusNames = new Map<string, string>();
  private historySeq = 0;
  private commentSeq = 0;

  constructor(
    readonly data: AgencyData['jira'],
    options: JiraFakeOptions = {},
  ) {
    super('Jira', { latencyMs: options.latencyMs });
    this.email = options.email ?? 'pm-agents@agency.test';
    this.apiToken = options.apiToken ?? 'jira-test-token';
    this.pageSize = options.pageSize ?? 100;
    this.changelogPageSize = options.changelogPageSize ?? 10_000;
    this.clock = options.clock ?? systemClock;
    this.indexedProperties = options.indexedProperties ?? [];
    for (const [name, category] of DEFAULT_STATUSES) this.learnStatus(name, category);
    for (const issue of data.issues) {
      this.learnStatus(issue.status, issue.statusCategory);
      for (const h of issue.changelog) this.historySeq = Math.max(this.historySeq, Number(h.id) || 0);
      for (const c of issue.comments) this.commentSeq = Math.max(this.commentSeq, Number(c.id) || 0);
    }
    this.registerRoutes();
  }

  /** An issue by key or id (tests and the demo read the fake's state through this). */
  issue(keyOrId: string): JiraIssueRecord | undefined {
    const key = keyOrId.toUpperCase();
    return this.data.issues.find((i) => i.key === key || i.id === keyOrId);
  }

  /** The caller's account: the user with the configured email, else a service account. */
  get myself(): JiraUserRecord {
    return this.data.users.find((u) => u.emailAddress === this.email) ?? { accountId: '557058:pm-agents-bot', displayName: 'pm-agents', emailAddress: this.email, active: true };
  }

  /** Move an issue to a status as a person would through the board; appends the changelog entry Jira writes. */
  setStatus(keyOrId: string, status: string, byAccountId = this.myself.accountId): void {
    const issue = this.mustFind(keyOrId);
    const category = this.statusCategories.get(status.toLowerCase());
    if (!category) throw new Error(`Jira fake: unknown status '${status}' (known: ${[...this.statusIds.keys()].join(', ')})`);
    this.change(issue, byAccountId, [this.statusItem(issue.status, status)], () => {
      issue.status = this.canonicalStatus(status);
      issue.statusCategory = category;
      issue.resolutiondate = category === 'done' ? (issue.resolutiondate ?? this.clock.now().toISOString()) : null;
    });
  }

  // --- routes --------------------------------------------------------------------------------------------------

  private registerRoutes(): void {
    const on = (method: string, path: string, handler: RouteHandler) => this.route(method, `${V3}${path}`, this.authenticated(handler));
    const gone: RouteHandler = () => ({ status: 410, body: { errorMessages: [SEARCH_REMOVED], errors: {} } });
    on('GET', '/search', gone);
    on('POST', '/search', gone);
    on('GET', '/search/jql', (req) => this.search(req, 'GET'));
    on('POST', '/search/jql', (req) => this.search(req, 'POST'));
    on('POST', '/search/approximate-count', (req) => this.approximateCount(req));
    on('GET', '/myself', () => ({ body: this.userJson(this.myself.accountId) }));
    on('POST', '/issue', (req) => this.createIssue(req));
    on('GET', '/issue/{key}', (req) => this.getIssue(req));
    on('PUT', '/issue/{key}', (req) => this.editIssue(req));
    on('DELETE', '/issue/{key}', (req) => this.deleteIssue(req));
    on('PUT', '/issue/{key}/assignee', (req) => this.assign(req));
    on('GET', '/issue/{key}/comment', (req) => this.listComments(req));
    on('POST', '/issue/{key}/comment', (req) => this.addComment(req));
    on('GET', '/issue/{key}/changelog', (req) => this.issueChangelog(req));
    on('POST', '/changelog/bulkfetch', (req) => this.bulkChangelog(req));
    on('GET', '/issue/{key}/properties/{propertyKey}', (req) => this.getProperty(req));
    on('PUT', '/issue/{key}/properties/{propertyKey}', (req) => this.setProperty(req));
    on('DELETE', '/issue/{key}/properties/{propertyKey}', (req) => this.deleteProperty(req));
    on('GET', '/issue/{key}/transitions', (req) => this.listTransitions(req));
    on('POST', '/issue/{key}/transitions', (req) => this.transition(req));
  }

  private authenticated(handler: RouteHandler): RouteHandler {
    const expected = `Basic ${Buffer.from(`${this.email}:${this.apiToken}`).toString('base64')}`;
    return (req) => {
      if (req.headers.authorization !== expected) {
        const body = { message: 'Client must be authenticated to access this resource.', 'status-code': 401 };
        throw new FakeHttpError(401, body, { 'www-authenticate': 'Basic realm="protected-area"' });
      }
      return handler(req);
    };
  }

  private jqlContext(): JqlContext {
    return {
      now: this.clock.now(),
      currentAccountId: this.myself.accountId,
      projects: this.data.projects,
      issues: this.data.issues,
      accountIds: [...this.data.users.map((u) => u.accountId), this.myself.accountId],
      indexedProperties: this.indexedProperties,
    };
  }

  /** Issues matching a bounded JQL query, in its order; JQL errors become Jira's 400. */
  private query(jql: unknown): JiraIssueRecord[] {
    if (typeof jql !== 'string') throw jiraError(400, [UNBOUNDED]);
    try {
      const compiled = compileJql(parseJql(jql), this.jqlContext());
      if (!compiled.bounded) throw jiraError(400, [UNBOUNDED]);
      return compiled.sort(this.data.issues.filter(compiled.matches));
    } catch (err) {
      if (err instanceof JqlError) throw jiraError(400, [err.message]);
      throw err;
    }
  }

  private search(req: FakeRequest, method: 'GET' | 'POST'): FakeResponse {
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
    const limit = Math.min(maxResults, heavy ? this.pageSize : 5000);
    const print = fingerprint(['search', params.jql]);
    const offset = typeof params.nextPageToken === 'string' && params.nextPageToken !== '' ? decodeToken(params.nextPageToken, print) : 0;
    const matches = this.query(params.jql);
    const page = matches.slice(offset, offset + limit);
    const isLast = offset + page.length >= matches.length;
    const expand = String(params.expand ?? '').split(',').map((e) => e.trim());
    const properties = ((params.properties as string[] | undefined) ?? []).flatMap((p) => p.split(',')).filter(Boolean);
    if (properties.length > 5) throw jiraError(400, ['properties: at most 5 issue properties can be requested.']);
    const bare = fields.size === 1 && fields.has('id') && properties.length === 0 && !expand.includes('changelog');
    const issues = page.map((issue) => (bare ? { id: issue.id } : this.issueJson(issue, fields, expand, properties)));
    return { body: isLast ? { issues, isLast } : { issues, nextPageToken: encodeToken({ o: offset + page.length, f: print }), isLast } };
  }

  private approximateCount(req: FakeRequest): FakeResponse {
    const body = req.json<{ jql?: unknown }>() ?? {};
    return { body: { count: this.query(body.jql).length } };
  }

  private getIssue(req: FakeRequest): FakeResponse {
    const issue = this.mustFind(req.params.key!);
    const fields = selectFields(req.query.getAll('fields'), ALL_FIELDS);
    const expand = (req.query.get('expand') ?? '').split(',').map((e) => e.trim());
    const properties = req.query.getAll('properties').flatMap((p) => p.split(',')).filter(Boolean);
    return { body: this.issueJson(issue, fields, expand, properties) };
  }

  private createIssue(req: FakeRequest): FakeResponse {
    const body = req.json<{ fields?: Record<string, unknown>; update?: unknown }>();
    const f = body?.fields;
    if (!f || typeof f !== 'object') throw jiraError(400, ['Issue must have fields.']);
    const errors: Record<string, string> = {};
    const projectRef = f.project as { key?: string; id?: string } | undefined;
    const project = this.data.projects.find(
      (p) => (projectRef?.key !== undefined && p.key === projectRef.key.toUpperCase()) || (projectRef?.id !== undefined && p.id === String(projectRef.id)),
    );
    if (!project) errors.project = 'valid project is required';
    const typeRef = f.issuetype as { name?: string; id?: string } | undefined;
    const typeName = (Object.keys(ISSUE_TYPES) as IssueTypeName[]).find((t) => t.toLowerCase() === typeRef?.name?.toLowerCase() || ISSUE_TYPES[t].id === String(typeRef?.id));
    if (!typeName) errors.issuetype = 'Specify a valid issue type';
    const summary = this.checkSummary(f.summary, errors, true);
    const description = this.checkDescription(f, errors);
    const parent = this.checkParent(f, typeName, errors);
    if (typeName === 'Sub-task' && !parent && !errors.parent) errors.parent = 'A sub-task must have a parent issue.';
    const assignee = this.checkUser(f, 'assignee', errors);
    const labels = this.checkLabels(f, errors);
    const priority = this.checkPriority(f, errors);
    const creatable = ['project', 'issuetype', 'summary', 'description', 'parent', 'assignee', 'labels', 'priority', 'reporter'];
    for (const name of Object.keys(f)) if (!creatable.includes(name)) errors[name] = notSettable(name);
    if (Object.keys(errors).length > 0 || !project || !typeName || summary === undefined) throw jiraError(400, [], errors);

    const nextId = Math.max(10000, ...this.data.issues.map((i) => Number(i.id) || 0)) + 1;
    const nextNumber = Math.max(0, ...this.data.issues.filter((i) => i.projectKey === project.key).map((i) => Number(i.key.split('-').pop()) || 0)) + 1;
    const now = this.clock.now().toISOString();
    const issue: JiraIssueRecord = {
      id: String(nextId),
      key: `${project.key}-${nextNumber}`,
      projectKey: project.key,
      issueType: typeName,
      summary,
      description: description ?? null,
      status: 'To Do',
      statusCategory: 'new',
      priority: priority ?? 'Medium',
      assigneeAccountId: assignee ?? null,
      reporterAccountId: this.myself.accountId,
      parentKey: parent?.key ?? null,
      labels: labels ?? [],
      originalEstimateSeconds: null,
      storyPoints: null,
      created: now,
      updated: now,
      resolutiondate: null,
      changelog: [],
      comments: [],
      properties: {},
    };
    this.data.issues.push(issue);
    this.createdIssues.push(issue);
    return { status: 201, body: { id: issue.id, key: issue.key, self: this.self(`/issue/${issue.id}`) } };
  }

  private editIssue(req: FakeRequest): FakeResponse {
    const issue = this.mustFind(req.params.key!);
    const body = req.json<{ fields?: Record<string, unknown>; update?: Record<string, unknown> }>() ?? {};
    const f = body.fields ?? {};
    const errors: Record<string, string> = {};
    const editable = ['summary', 'description', 'parent', 'assignee', 'labels', 'priority'];
    for (const name of Object.keys(f)) if (!editable.includes(name)) errors[name] = notSettable(name);
    const summary = 'summary' in f ? this.checkSummary(f.summary, errors, true) : undefined;
    const description = this.checkDescription(f, errors);
    const parent = 'parent' in f ? this.checkParent(f, issue.issueType as IssueTypeName, errors, issue) : undefined;
    const assignee = this.checkUser(f, 'assignee', errors);
    let labels = this.checkLabels(f, errors);
    const priority = this.checkPriority(f, errors);
    for (const [name, ops] of Object.entries(body.update ?? {})) {
      if (name !== 'labels' || !Array.isArray(ops)) {
        errors[name] = notSettable(name);
        continue;
      }
      const next = new Set(labels ?? issue.labels);
      for (const op of ops as Record<string, unknown>[]) {
        if (typeof op.add === 'string') next.add(op.add);
        else if (typeof op.remove === 'string') next.delete(op.remove);
        else if (Array.isArray(op.set)) { next.clear(); op.set.forEach((l) => next.add(String(l))); }
        else errors.labels = 'Each labels operation is one of add, remove or set.';
      }
      labels = [...next];
    }
    if (Object.keys(errors).length > 0) throw jiraError(400, [], errors);

    const items: JiraChangeItem[] = [];
    if (summary !== undefined && summary !== issue.summary) items.push(this.item('summary', issue.summary, summary));
    if (description !== undefined && description !== issue.description) items.push(this.item('description', issue.description, description));
    if (parent !== undefined && (parent?.key ?? null) !== issue.parentKey) items.push(this.parentItem(issue.parentKey, parent?.key ?? null));
    if (assignee !== undefined && assignee !== issue.assigneeAccountId) items.push(this.assigneeItem(issue.assigneeAccountId, assignee));
    if (labels !== undefined && labels.join(' ') !== issue.labels.join(' ')) items.push(this.item('labels', issue.labels.join(' ') || null, labels.join(' ') || null));
    if (priority !== undefined && priority !== issue.priority) {
      const id = (name: string) => String(PRIORITIES.indexOf(name as (typeof PRIORITIES)[number]) + 1);
      items.push({ field: 'priority', fieldtype: 'jira', fieldId: 'priority', from: id(issue.priority), fromString: issue.priority, to: id(priority), toString: priority });
    }
    this.change(issue, this.myself.accountId, items, () => {
      if (summary !== undefined) issue.summary = summary;
      if (description !== undefined) issue.description = description;
      if (parent !== undefined) issue.parentKey = parent?.key ?? null;
      if (assignee !== undefined) issue.assigneeAccountId = assignee;
      if (labels !== undefined) issue.labels = labels;
      if (priority !== undefined) issue.priority = priority;
    });
    return { status: 204 };
  }

  private deleteIssue(req: FakeRequest): FakeResponse {
    const issue = this.mustFind(req.params.key!);
    const subtasks = this.data.issues.filter((i) => i.parentKey === issue.key && i.issueType === 'Sub-task');
    if (subtasks.length > 0 && req.query.get('deleteSubtasks') !== 'true') {
      throw jiraError(400, [`The issue '${issue.key}' has subtasks. Set the parameter 'deleteSubtasks' to true to delete them too.`]);
    }
    const doomed = new Set([issue.key, ...subtasks.map((s) => s.key)]);
    for (const child of this.data.issues) {
      if (child.parentKey && doomed.has(child.parentKey) && !doomed.has(child.key)) {
        this.change(child, this.myself.accountId, [this.parentItem(child.parentKey, null)], () => { child.parentKey = null; });
      }
    }
    for (let i = this.data.issues.length - 1; i >= 0; i -= 1) if (doomed.has(this.data.issues[i]!.key)) this.data.issues.splice(i, 1);
    return { status: 204 };
  }

  private assign(req: FakeRequest): FakeResponse {
    const issue = this.mustFind(req.params.key!);
    const body = req.json<{ accountId?: string | null }>();
    if (!body || !('accountId' in body)) throw jiraError(400, [], { accountId: 'accountId is required (null to unassign).' });
    const errors: Record<string, string> = {};
    const to = body.accountId === null || body.accountId === '-1' ? null : this.checkUser({ assignee: { accountId: body.accountId } }, 'assignee', errors) ?? null;
    if (errors.assignee) throw jiraError(400, [], { accountId: errors.assignee });
    if (to !== issue.assigneeAccountId) {
      this.change(issue, this.myself.accountId, [this.assigneeItem(issue.assigneeAccountId, to)], () => { issue.assigneeAccountId = to; });
    }
    return { status: 204 };
  }

  private listComments(req: FakeRequest): FakeResponse {
    const issue = this.mustFind(req.params.key!);
    const startAt = intParam(req.query.get('startAt'), 'startAt', 0, 0, Number.MAX_SAFE_INTEGER);
    const maxResults = Math.min(intParam(req.query.get('maxResults'), 'maxResults', 100, 0, 5000), 100);
    const order = req.query.get('orderBy') ?? 'created';
    const sorted = [...issue.comments].sort((a, b) => a.created.localeCompare(b.created) || Number(a.id) - Number(b.id));
    if (order === '-created') sorted.reverse();
    const comments = sorted.slice(startAt, startAt + maxResults).map((c) => this.commentJson(issue, c));
    return { body: { startAt, maxResults, total: sorted.length, comments } };
  }

  private addComment(req: FakeRequest): FakeResponse {
    const issue = this.mustFind(req.params.key!);
    const body = req.json<{ body?: unknown }>();
    if (!body || !isAdfDocument(body.body) || adfToText(body.body).trim() === '') throw jiraError(400, [], { comment: 'Comment body is not valid!' });
    const now = this.clock.now().toISOString();
    this.commentSeq += 1;
    const comment = { id: String(this.commentSeq), authorAccountId: this.myself.accountId, body: adfToText(body.body), created: now, updated: now };
    issue.comments.push(comment);
    issue.updated = now;
    return { status: 201, body: this.commentJson(issue, comment) };
  }

  private issueChangelog(req: FakeRequest): FakeResponse {
    const issue = this.mustFind(req.params.key!);
    const startAt = intParam(req.query.get('startAt'), 'startAt', 0, 0, Number.MAX_SAFE_INTEGER);
    const maxResults = Math.min(intParam(req.query.get('maxResults'), 'maxResults', 100, 0, 5000), 100);
    const all = this.oldestFirst(issue.changelog);
    const values = all.slice(startAt, startAt + maxResults).map((h) => this.historyJson(h));
    const isLast = startAt + values.length >= all.length;
    const base = this.self(`/issue/${issue.key}/changelog`);
    const pageUrl = (at: number) => `${base}?maxResults=${maxResults}&startAt=${at}`;
    const next = isLast ? {} : { nextPage: pageUrl(startAt + values.length) };
    return { body: { self: pageUrl(startAt), ...next, maxResults, startAt, total: all.length, isLast, values } };
  }

  private bulkChangelog(req: FakeRequest): FakeResponse {
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
    for (const issue of this.data.issues) {
      if (!wanted.has(issue.id) && !wanted.has(issue.key)) continue;
      for (const history of issue.changelog) {
        const items = fieldIds.length === 0 ? history.items : history.items.filter((it) => fieldIds.includes(it.fieldId ?? it.field));
        if (items.length > 0) entries.push({ issue, history: { ...history, items } });
      }
    }
    entries.sort((a, b) => Date.parse(a.history.created) - Date.parse(b.history.created) || Number(a.issue.id) - Number(b.issue.id) || Number(a.history.id) - Number(b.history.id));
    const page = entries.slice(offset, offset + Math.min(maxResults, this.changelogPageSize));
    const issueChangeLogs: { issueId: string; changeHistories: unknown[] }[] = [];
    for (const { issue, history } of page) {
      const last = issueChangeLogs[issueChangeLogs.length - 1];
      if (last && last.issueId === issue.id) last.changeHistories.push(this.historyJson(history));
      else issueChangeLogs.push({ issueId: issue.id, changeHistories: [this.historyJson(history)] });
    }
    const more = offset + page.length < entries.length;
    return { body: more ? { issueChangeLogs, nextPageToken: encodeToken({ o: offset + page.length, f: print }) } : { issueChangeLogs } };
  }

  private getProperty(req: FakeRequest): FakeResponse {
    const issue = this.mustFind(req.params.key!);
    const key = req.params.propertyKey!;
    if (!(key in issue.properties)) throw jiraError(404, [`The property with key '${key}' does not exist.`]);
    return { body: { key, value: issue.properties[key] } };
  }

  private setProperty(req: FakeRequest): FakeResponse {
    const issue = this.mustFind(req.params.key!);
    const key = req.params.propertyKey!;
    if (key.length > 255) throw jiraError(400, ['The property key can not be longer than 255 characters.']);
    if (req.body.trim() === '') throw jiraError(400, ['The property value must be valid JSON.']);
    if (req.body.length > 32_768) throw jiraError(400, ['The property value can not be bigger than 32768 bytes.']);
    const existed = key in issue.properties;
    issue.properties[key] = req.json();
    return { status: existed ? 200 : 201 };
  }

  private deleteProperty(req: FakeRequest): FakeResponse {
    const issue = this.mustFind(req.params.key!);
    const key = req.params.propertyKey!;
    if (!(key in issue.properties)) throw jiraError(404, [`The property with key '${key}' does not exist.`]);
    delete issue.properties[key];
    return { status: 204 };
  }

  /** Every known status is reachable from every other: the fake has one permissive workflow. */
  private listTransitions(req: FakeRequest): FakeResponse {
    const issue = this.mustFind(req.params.key!);
    const transitions = [...this.statusIds.keys()]
      .filter((s) => s !== issue.status.toLowerCase())
      .map((s) => {
        const name = this.canonicalStatus(s);
        const flags = { hasScreen: false, isGlobal: true, isInitial: false, isAvailable: true, isConditional: false, isLooped: false };
        return { id: this.statusIds.get(s)!, name, to: this.statusJson(name), ...flags };
      });
    return { body: { expand: 'transitions', transitions } };
  }

  private transition(req: FakeRequest): FakeResponse {
    const issue = this.mustFind(req.params.key!);
    const id = String(req.json<{ transition?: { id?: unknown } }>()?.transition?.id ?? '');
    const target = [...this.statusIds.entries()].find(([, sid]) => sid === id)?.[0];
    if (!target || target === issue.status.toLowerCase()) throw jiraError(400, [`Transition id '${id}' is not valid for this issue.`]);
    this.setStatus(issue.key, this.canonicalStatus(target));
    return { status: 204 };
  }

  // --- validation of writes ------------------------------------------------------------------------------------

  private checkSummary(value: unknown, errors: Record<string, string>, required: boolean): string | undefined {
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value.trim() === '') {
      errors.summary = 'You must specify a summary of the issue.';
      return undefined;
    }
    if (value.length > 255) errors.summary = 'Summary must be less than 255 characters.';
    if (/[\r\n]/.test(value)) errors.summary = 'The summary is invalid because it contains newline characters.';
    return value;
  }

  /** undefined: not given; null: cleared; else the text we store (served back as ADF). */
  private checkDescription(f: Record<string, unknown>, errors: Record<string, string>): string | null | undefined {
    if (!('description' in f)) return undefined;
    if (f.description === null) return null;
    if (!isAdfDocument(f.description)) {
      errors.description = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
      return undefined;
    }
    return adfToText(f.description);
  }

  private checkParent(f: Record<string, unknown>, typeName: IssueTypeName | undefined, errors: Record<string, string>, self?: JiraIssueRecord): JiraIssueRecord | null | undefined {
    if (!('parent' in f)) return undefined;
    if (f.parent === null) {
      if (typeName === 'Sub-task') errors.parent = 'A sub-task must have a parent issue.';
      return null;
    }
    const ref = f.parent as { key?: string; id?: string };
    if (typeof ref !== 'object') {
      errors.parent = 'data was not an object';
      return undefined;
    }
    const parent = this.issue(String(ref.key ?? ref.id ?? ''));
    if (!parent) {
      errors.parent = 'Could not find issue by id or key.';
      return undefined;
    }
    const level = typeName ? ISSUE_TYPES[typeName].hierarchyLevel : 0;
    const parentLevel = ISSUE_TYPES[parent.issueType as IssueTypeName]?.hierarchyLevel ?? 0;
    if (parentLevel !== level + 1 || parent.key === self?.key) errors.parent = 'Given parent work item does not belong to appropriate hierarchy.';
    return parent;
  }

  private checkUser(f: Record<string, unknown>, field: 'assignee', errors: Record<string, string>): string | null | undefined {
    if (!(field in f)) return undefined;
    const ref = f[field] as { accountId?: unknown } | null;
    if (ref === null || ref?.accountId === null) return null;
    const id = ref?.accountId;
    if (typeof id !== 'string' || !this.data.users.some((u) => u.accountId === id && u.active)) {
      errors[field] = `User '${String(id)}' does not exist or cannot be assigned.`;
      return undefined;
    }
    return id;
  }

  private checkLabels(f: Record<string, unknown>, errors: Record<string, string>): string[] | undefined {
    if (!('labels' in f)) return undefined;
    const labels = f.labels;
    if (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string' || l === '' || /\s/.test(l) || l.length > 255)) {
      errors.labels = 'Labels are a list of words without spaces, at most 255 characters each.';
      return undefined;
    }
    return [...new Set(labels as string[])];
  }

  private checkPriority(f: Record<string, unknown>, errors: Record<string, string>): JiraIssueRecord['priority'] | undefined {
    if (!('priority' in f)) return undefined;
    const ref = f.priority as { name?: string; id?: string } | null;
    const found = PRIORITIES.find((p, i) => p === ref?.name || String(i + 1) === String(ref?.id));
    if (!found) errors.priority = 'Specify a valid priority.';
    return found;
  }

  // --- changes and the changelog -------------------------------------------------------------------------------

  private change(issue: JiraIssueRecord, authorAccountId: string, items: JiraChangeItem[], apply: () => void): void {
    apply();
    if (items.length === 0) return;
    const now = this.clock.now().toISOString();
    this.historySeq += 1;
    issue.changelog.push({ id: String(this.historySeq), authorAccountId, created: now, items });
    issue.updated = now;
  }

  private item(field: string, from: string | null, to: string | null): JiraChangeItem {
    return { field, fieldtype: 'jira', fieldId: field, from: null, fromString: from, to: null, toString: to };
  }

  private statusItem(from: string, to: string): JiraChangeItem {
    const id = (name: string) => this.statusIds.get(name.toLowerCase()) ?? null;
    return { field: 'status', fieldtype: 'jira', fieldId: 'status', from: id(from), fromString: from, to: id(to), toString: this.canonicalStatus(to) };
  }

  private assigneeItem(from: string | null, to: string | null): JiraChangeItem {
    return { field: 'assignee', fieldtype: 'jira', fieldId: 'assignee', from, fromString: from ? this.displayName(from) : null, to, toString: to ? this.displayName(to) : null };
  }

  /** Jira Cloud records a parent change as `IssueParentAssociation` with issue ids and keys. */
  private parentItem(fromKey: string | null, toKey: string | null): JiraChangeItem {
    const id = (key: string | null) => (key ? (this.issue(key)?.id ?? null) : null);
    return { field: 'IssueParentAssociation', fieldtype: 'jira', fieldId: 'parent', from: id(fromKey), fromString: fromKey, to: id(toKey), toString: toKey };
  }

  private oldestFirst(histories: JiraHistoryRecord[]): JiraHistoryRecord[] {
    return [...histories].sort((a, b) => Date.parse(a.created) - Date.parse(b.created) || Number(a.id) - Number(b.id));
  }

  // --- JSON in Jira's shapes -----------------------------------------------------------------------------------

  private self(path: string): string {
    return `${this.url}${V3}${path}`;
  }

  private learnStatus(name: string, category: JiraStatusCategory): void {
    const key = name.toLowerCase();
    if (!this.statusIds.has(key)) {
      this.statusIds.set(key, String(10000 + this.statusIds.size));
      this.statusCategories.set(key, category);
      this.statusNames.set(key, name);
    }
  }

  private canonicalStatus(name: string): string {
    return this.statusNames.get(name.toLowerCase()) ?? name;
  }

  private mustFind(keyOrId: string): JiraIssueRecord {
    const issue = this.issue(keyOrId);
    if (!issue) throw jiraError(404, [ISSUE_MISSING]);
    return issue;
  }

  private displayName(accountId: string): string {
    return this.data.users.find((u) => u.accountId === accountId)?.displayName ?? (accountId === this.myself.accountId ? this.myself.displayName : accountId);
  }

  private userJson(accountId: string | null): unknown {
    if (!accountId) return null;
    const user = this.data.users.find((u) => u.accountId === accountId) ?? (accountId === this.myself.accountId ? this.myself : undefined);
    return {
      self: `${this.url}${V3}/user?accountId=${encodeURIComponent(accountId)}`,
      accountId,
      ...(user?.emailAddress ? { emailAddress: user.emailAddress } : {}),
      avatarUrls: { '48x48': `${this.url}/avatar/${encodeURIComponent(accountId)}.png` },
      displayName: user?.displayName ?? accountId,
      active: user?.active ?? false,
      timeZone: 'UTC',
      accountType: 'atlassian',
    };
  }

  private statusJson(name: string): unknown {
    const key = name.toLowerCase();
    const id = this.statusIds.get(key) ?? '1';
    const category = CATEGORY[this.statusCategories.get(key) ?? 'new'];
    return {
      self: this.self(`/status/${id}`),
      description: '',
      iconUrl: `${this.url}/images/icons/statuses/generic.png`,
      name: this.canonicalStatus(name),
      id,
      statusCategory: { self: this.self(`/statuscategory/${category.id}`), ...category },
    };
  }

  private issueTypeJson(name: string): unknown {
    const type = ISSUE_TYPES[name as IssueTypeName] ?? ISSUE_TYPES.Task;
    return {
      self: this.self(`/issuetype/${type.id}`),
      id: type.id,
      description: '',
      iconUrl: `${this.url}/images/icons/issuetypes/${name.toLowerCase()}.svg`,
      name,
      subtask: type.hierarchyLevel === -1,
      avatarId: Number(type.id),
      hierarchyLevel: type.hierarchyLevel,
    };
  }

  private priorityJson(name: string): unknown {
    const id = String(PRIORITIES.indexOf(name as (typeof PRIORITIES)[number]) + 1);
    return { self: this.self(`/priority/${id}`), iconUrl: `${this.url}/images/icons/priorities/${name.toLowerCase()}.svg`, name, id };
  }

  private historyJson(h: JiraHistoryRecord): unknown {
    return { id: h.id, author: this.userJson(h.authorAccountId), created: formatJiraDate(h.created), items: h.items.map((it) => ({ ...it })) };
  }

  private commentJson(issue: JiraIssueRecord, c: JiraIssueRecord['comments'][number]): unknown {
    const author = this.userJson(c.authorAccountId);
    return {
      self: this.self(`/issue/${issue.id}/comment/${c.id}`),
      id: c.id,
      author,
      body: textToAdf(c.body),
      updateAuthor: author,
      created: formatJiraDate(c.created),
      updated: formatJiraDate(c.updated),
      jsdPublic: true,
    };
  }

  /** How Jira shows a related issue (parent, sub-task): key and a few fields. */
  private linkedIssueJson(issue: JiraIssueRecord): unknown {
    const fields = { summary: issue.summary, status: this.statusJson(issue.status), priority: this.priorityJson(issue.priority), issuetype: this.issueTypeJson(issue.issueType) };
    return { id: issue.id, key: issue.key, self: this.self(`/issue/${issue.id}`), fields };
  }

  private fieldJson(issue: JiraIssueRecord, name: string): { present: boolean; value?: unknown } {
    switch (name) {
      case 'summary': return { present: true, value: issue.summary };
      case 'status': return { present: true, value: this.statusJson(issue.status) };
      case 'issuetype': return { present: true, value: this.issueTypeJson(issue.issueType) };
      case 'parent': {
        const parent = issue.parentKey ? this.issue(issue.parentKey) : undefined;
        if (!parent) return { present: false };
        return { present: true, value: this.linkedIssueJson(parent) };
      }
      case 'assignee': return { present: true, value: this.userJson(issue.assigneeAccountId) };
      case 'reporter':
      case 'creator': return { present: true, value: this.userJson(issue.reporterAccountId) };
      case 'priority': return { present: true, value: this.priorityJson(issue.priority) };
      case 'labels': return { present: true, value: [...issue.labels] };
      case 'created': return { present: true, value: formatJiraDate(issue.created) };
      case 'updated': return { present: true, value: formatJiraDate(issue.updated) };
      case 'resolutiondate': return { present: true, value: issue.resolutiondate ? formatJiraDate(issue.resolutiondate) : null };
      case 'resolution': {
        const done = { self: this.self('/resolution/10000'), id: '10000', description: 'Work has been completed on this issue.', name: 'Done' };
        return { present: true, value: issue.resolutiondate ? done : null };
      }
      case 'timeoriginalestimate': return { present: true, value: issue.originalEstimateSeconds };
      case 'customfield_10016': return { present: true, value: issue.storyPoints };
      case 'description': return { present: true, value: issue.description === null ? null : textToAdf(issue.description) };
      case 'subtasks': {
        const subtasks = this.data.issues.filter((i) => i.parentKey === issue.key && i.issueType === 'Sub-task');
        return { present: true, value: subtasks.map((s) => this.linkedIssueJson(s)) };
      }
      case 'comment': {
        const comments = issue.comments.map((c) => this.commentJson(issue, c));
        return { present: true, value: { comments, self: this.self(`/issue/${issue.id}/comment`), maxResults: comments.length, total: comments.length, startAt: 0 } };
      }
      case 'project': {
        const p = this.data.projects.find((x) => x.key === issue.projectKey);
        const id = p?.id ?? '0';
        const avatarUrls = { '48x48': `${this.url}/project-avatar/${issue.projectKey}.png` };
        const value = { self: this.self(`/project/${id}`), id, key: issue.projectKey, name: p?.name ?? issue.projectKey, projectTypeKey: 'software', simplified: false, avatarUrls };
        return { present: true, value };
      }
      default: return { present: false };
    }
  }

  private issueJson(issue: JiraIssueRecord, fields: Set<string>, expand: string[], properties: string[]): unknown {
    const expandable = 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations';
    const out: Record<string, unknown> = { expand: expandable, id: issue.id, self: this.self(`/issue/${issue.id}`), key: issue.key };
    const f: Record<string, unknown> = {};
    for (const name of fields) {
      const field = this.fieldJson(issue, name);
      if (field.present) f[name] = field.value;
    }
    out.fields = f;
    if (properties.length > 0) out.properties = Object.fromEntries(properties.filter((p) => p in issue.properties).map((p) => [p, issue.properties[p]]));
    if (expand.includes('changelog')) {
      // Embedded changelogs come newest first and are cut at 100 entries: use bulkfetch for complete histories.
      const histories = this.oldestFirst(issue.changelog).reverse().slice(0, 100).map((h) => this.historyJson(h));
      out.changelog = { startAt: 0, maxResults: histories.length, total: issue.changelog.length, histories };
    }
    return out;
  }
}
