// A fake Jira Cloud REST v3 server over the sample agency's Jira data: enhanced JQL search with opaque page tokens,
// issues, comments (ADF), changelogs (per issue and bulk), issue properties, transitions, Basic auth and Jira's error
// bodies. Stricter than Jira where they could differ (API-NOTES §2). Mutations change `data` in place.
// This is the server and its routes; the records live in jira-store.ts, Jira's JSON in jira-shapes.ts, paged reads in
// jira-search.ts and issue writes in jira-issue-writes.ts.
import { systemClock, type Clock } from '../../clock.ts';
import { adfToText, isAdfDocument } from '../../integrations/adf.ts';
import type { AgencyData, JiraIssueRecord, JiraUserRecord } from '../agency-data.ts';
import { FakeHttpError, FakeServer, type FakeRequest, type FakeResponse, type RouteHandler } from './fake-server.ts';
import { intParam, jiraError } from './jira-errors.ts';
import { JiraIssueWrites } from './jira-issue-writes.ts';
import { JiraSearch } from './jira-search.ts';
import { ALL_FIELDS, JiraShapes, selectFields, V3 } from './jira-shapes.ts';
import { JiraStore } from './jira-store.ts';

export { formatJiraDate } from './jira-shapes.ts';

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

const SEARCH_REMOVED =
  'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046';

export class JiraFake extends FakeServer {
  /** Issues created through the API, in order of creation. */
  readonly createdIssues: JiraIssueRecord[] = [];
  readonly email: string;
  readonly apiToken: string;
  pageSize: number;
  changelogPageSize: number;
  private readonly store: JiraStore;
  private readonly shapes: JiraShapes;
  private readonly search: JiraSearch;
  private readonly writes: JiraIssueWrites;

  constructor(
    readonly data: AgencyData['jira'],
    options: JiraFakeOptions = {},
  ) {
    super('Jira', { latencyMs: options.latencyMs });
    this.email = options.email ?? 'pm-agents@agency.test';
    this.apiToken = options.apiToken ?? 'jira-test-token';
    this.pageSize = options.pageSize ?? 100;
    this.changelogPageSize = options.changelogPageSize ?? 10_000;
    this.store = new JiraStore(data, this.email, options.clock ?? systemClock);
    this.shapes = new JiraShapes(this.store, () => this.url);
    this.search = new JiraSearch(this.store, this.shapes, this, options.indexedProperties ?? []);
    this.writes = new JiraIssueWrites(this.store, this.shapes, this.createdIssues);
    this.registerRoutes();
  }

  /** An issue by key or id (tests and the demo read the fake's state through this). */
  issue(keyOrId: string): JiraIssueRecord | undefined {
    return this.store.issue(keyOrId);
  }

  /** The caller's account: the user with the configured email, else a service account. */
  get myself(): JiraUserRecord {
    return this.store.myself;
  }

  /** Move an issue to a status as a person would through the board; appends the changelog entry Jira writes. */
  setStatus(keyOrId: string, status: string, byAccountId = this.myself.accountId): void {
    this.store.setStatus(keyOrId, status, byAccountId);
  }

  // --- routes --------------------------------------------------------------------------------------------------

  private registerRoutes(): void {
    const on = (method: string, path: string, handler: RouteHandler) => this.route(method, `${V3}${path}`, this.authenticated(handler));
    const gone: RouteHandler = () => ({ status: 410, body: { errorMessages: [SEARCH_REMOVED], errors: {} } });
    on('GET', '/search', gone);
    on('POST', '/search', gone);
    on('GET', '/search/jql', (req) => this.search.jql(req, 'GET'));
    on('POST', '/search/jql', (req) => this.search.jql(req, 'POST'));
    on('POST', '/search/approximate-count', (req) => this.search.approximateCount(req));
    on('GET', '/myself', () => ({ body: this.shapes.userJson(this.myself.accountId) }));
    on('POST', '/issue', (req) => this.writes.createIssue(req));
    on('GET', '/issue/{key}', (req) => this.getIssue(req));
    on('PUT', '/issue/{key}', (req) => this.writes.editIssue(req));
    on('DELETE', '/issue/{key}', (req) => this.writes.deleteIssue(req));
    on('PUT', '/issue/{key}/assignee', (req) => this.writes.assign(req));
    on('GET', '/issue/{key}/comment', (req) => this.listComments(req));
    on('POST', '/issue/{key}/comment', (req) => this.addComment(req));
    on('GET', '/issue/{key}/changelog', (req) => this.search.issueChangelog(req));
    on('POST', '/changelog/bulkfetch', (req) => this.search.bulkChangelog(req));
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

  private getIssue(req: FakeRequest): FakeResponse {
    const issue = this.store.mustFind(req.params.key!);
    const fields = selectFields(req.query.getAll('fields'), ALL_FIELDS);
    const expand = (req.query.get('expand') ?? '').split(',').map((e) => e.trim());
    const properties = req.query.getAll('properties').flatMap((p) => p.split(',')).filter(Boolean);
    return { body: this.shapes.issueJson(issue, fields, expand, properties) };
  }

  private listComments(req: FakeRequest): FakeResponse {
    const issue = this.store.mustFind(req.params.key!);
    const startAt = intParam(req.query.get('startAt'), 'startAt', 0, 0, Number.MAX_SAFE_INTEGER);
    const maxResults = Math.min(intParam(req.query.get('maxResults'), 'maxResults', 100, 0, 5000), 100);
    const order = req.query.get('orderBy') ?? 'created';
    const sorted = [...issue.comments].sort((a, b) => a.created.localeCompare(b.created) || Number(a.id) - Number(b.id));
    if (order === '-created') sorted.reverse();
    const comments = sorted.slice(startAt, startAt + maxResults).map((c) => this.shapes.commentJson(issue, c));
    return { body: { startAt, maxResults, total: sorted.length, comments } };
  }

  private addComment(req: FakeRequest): FakeResponse {
    const issue = this.store.mustFind(req.params.key!);
    const body = req.json<{ body?: unknown }>();
    if (!body || !isAdfDocument(body.body) || adfToText(body.body).trim() === '') throw jiraError(400, [], { comment: 'Comment body is not valid!' });
    const now = this.store.clock.now().toISOString();
    const comment = { id: this.store.nextCommentId(), authorAccountId: this.myself.accountId, body: adfToText(body.body), created: now, updated: now };
    issue.comments.push(comment);
    issue.updated = now;
    return { status: 201, body: this.shapes.commentJson(issue, comment) };
  }

  private getProperty(req: FakeRequest): FakeResponse {
    const issue = this.store.mustFind(req.params.key!);
    const key = req.params.propertyKey!;
    if (!(key in issue.properties)) throw jiraError(404, [`The property with key '${key}' does not exist.`]);
    return { body: { key, value: issue.properties[key] } };
  }

  private setProperty(req: FakeRequest): FakeResponse {
    const issue = this.store.mustFind(req.params.key!);
    const key = req.params.propertyKey!;
    if (key.length > 255) throw jiraError(400, ['The property key can not be longer than 255 characters.']);
    if (req.body.trim() === '') throw jiraError(400, ['The property value must be valid JSON.']);
    if (req.body.length > 32_768) throw jiraError(400, ['The property value can not be bigger than 32768 bytes.']);
    const existed = key in issue.properties;
    issue.properties[key] = req.json();
    return { status: existed ? 200 : 201 };
  }

  private deleteProperty(req: FakeRequest): FakeResponse {
    const issue = this.store.mustFind(req.params.key!);
    const key = req.params.propertyKey!;
    if (!(key in issue.properties)) throw jiraError(404, [`The property with key '${key}' does not exist.`]);
    delete issue.properties[key];
    return { status: 204 };
  }

  /** Every known status is reachable from every other: the fake has one permissive workflow. */
  private listTransitions(req: FakeRequest): FakeResponse {
    const issue = this.store.mustFind(req.params.key!);
    const transitions = this.store
      .statuses()
      .filter(([s]) => s !== issue.status.toLowerCase())
      .map(([s, id]) => {
        const name = this.store.canonicalStatus(s);
        const flags = { hasScreen: false, isGlobal: true, isInitial: false, isAvailable: true, isConditional: false, isLooped: false };
        return { id, name, to: this.shapes.statusJson(name), ...flags };
      });
    return { body: { expand: 'transitions', transitions } };
  }

  private transition(req: FakeRequest): FakeResponse {
    const issue = this.store.mustFind(req.params.key!);
    const id = String(req.json<{ transition?: { id?: unknown } }>()?.transition?.id ?? '');
    const target = this.store.statuses().find(([, sid]) => sid === id)?.[0];
    if (!target || target === issue.status.toLowerCase()) throw jiraError(400, [`Transition id '${id}' is not valid for this issue.`]);
    this.setStatus(issue.key, this.store.canonicalStatus(target));
    return { status: 204 };
  }
}
