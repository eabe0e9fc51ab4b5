import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.ts';
import { adfToText, textToAdf } from '../../src/integrations/adf.ts';
import { ApiError, HttpClient } from '../../src/integrations/http.ts';
import { createJiraClient, DEFAULT_ISSUE_FIELDS, isParentChange, parseJiraDate, type JiraClient } from '../../src/integrations/jira.ts';
import type { AgencyData, JiraIssueRecord } from '../../src/sandbox/agency-data.ts';
import { formatJiraDate, JiraFake, type JiraFakeOptions } from '../../src/sandbox/servers/jira.ts';

const NOW = '2025-12-01T15:00:00.000Z';
const EMAIL = 'grace@agency.test';
const TOKEN = 'atlassian-api-token-123';

function record(n: number, over: Partial<JiraIssueRecord> = {}): JiraIssueRecord {
  return {
    id: String(20000 + n),
    key: `SUBS-${n}`,
    projectKey: 'SUBS',
    issueType: 'Story',
    summary: `Story number ${n}`,
    description: null,
    status: 'In Progress',
    statusCategory: 'indeterminate',
    priority: 'Medium',
    assigneeAccountId: 'acc-ada',
    reporterAccountId: 'acc-grace',
    parentKey: null,
    labels: [],
    originalEstimateSeconds: 7200,
    storyPoints: null,
    created: '2025-11-03T14:05:09.120Z',
    updated: '2025-11-20T09:30:00.000Z',
    resolutiondate: null,
    changelog: [],
    comments: [],
    properties: {},
    ...over,
  };
}

function agency(issues: JiraIssueRecord[]): AgencyData['jira'] {
  return {
    users: [
      { accountId: 'acc-ada', displayName: 'Ada Lovelace', emailAddress: 'ada@agency.test', active: true },
      { accountId: 'acc-grace', displayName: 'Grace Hopper', emailAddress: EMAIL, active: true },
    ],
    projects: [{ id: '10001', key: 'SUBS', name: 'Subscriptions' }],
    issues,
  };
}

const servers: JiraFake[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function setup(issues: JiraIssueRecord[], options: JiraFakeOptions = {}, apiToken = TOKEN) {
  const fake = await new JiraFake(agency(issues), { email: EMAIL, apiToken: TOKEN, clock: fixedClock(NOW), ...options }).start();
  servers.push(fake);
  const sleeps: number[] = [];
  const jira: JiraClient = createJiraClient({
    baseUrl: fake.url,
    email: EMAIL,
    apiToken,
    policy: { baseDelayMs: 1, maxDelayMs: 2 },
    sleep: async (ms) => { sleeps.push(ms); },
    clock: fixedClock(NOW),
  });
  return { fake, jira, sleeps };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const searchRequests = (fake: JiraFake) => fake.requestsTo('/rest/api/3/search/jql', 'POST');

describe('Jira client against the fake Jira', () => {
  describe('search', () => {
    it.each([100, 40])('reads all 250 issues by following nextPageToken when Jira caps pages at %i', async (pageSize) => {
      const { fake, jira } = await setup(range(250).map((n) => record(n)), { pageSize });
      const issues = await jira.searchAll('project = SUBS ORDER BY key ASC');
      expect(issues).toHaveLength(250);
      expect(new Set(issues.map((i) => i.key)).size).toBe(250);
      expect(issues[0]!.key).toBe('SUBS-1');
      expect(searchRequests(fake)).toHaveLength(Math.ceil(250 / pageSize));
      const bodies = searchRequests(fake).map((r) => JSON.parse(r.body) as { nextPageToken?: string });
      expect(bodies[0]!.nextPageToken).toBeUndefined();
      expect(bodies.slice(1).every((b) => typeof b.nextPageToken === 'string')).toBe(true);
    });

    it('asks for the fields it normalises and reads them into a JiraIssue', async () => {
      const epic = record(1, { issueType: 'Epic', summary: 'Checkout revamp', status: 'To Do', statusCategory: 'new', assigneeAccountId: null });
      const story = record(2, { parentKey: 'SUBS-1', status: 'Done', statusCategory: 'done', labels: ['billing'], priority: 'High', resolutiondate: '2025-11-28T17:45:00.000Z' });
      const { fake, jira } = await setup([epic, story]);
      const [found] = await jira.searchAll('key = SUBS-2');
      expect(JSON.parse(searchRequests(fake)[0]!.body).fields).toEqual([...DEFAULT_ISSUE_FIELDS]);
      expect(found).toMatchObject({
        id: '20002',
        key: 'SUBS-2',
        projectKey: 'SUBS',
        summary: 'Story number 2',
        issueType: 'Story',
        hierarchyLevel: 0,
        isSubtask: false,
        status: 'Done',
        statusCategory: 'done',
        priority: 'High',
        assigneeAccountId: 'acc-ada',
        assigneeName: 'Ada Lovelace',
        reporterAccountId: 'acc-grace',
        parentKey: 'SUBS-1',
        parentSummary: 'Checkout revamp',
        labels: ['billing'],
        originalEstimateSeconds: 7200,
        created: '2025-11-03T14:05:09.120Z',
        updated: '2025-11-20T09:30:00.000Z',
        resolved: '2025-11-28T17:45:00.000Z',
      });
      const [epicIssue] = await jira.searchAll('issuetype = Epic');
      expect(epicIssue).toMatchObject({ hierarchyLevel: 1, parentKey: null, assigneeAccountId: null, statusCategory: 'new', resolved: null });
    });

    it('counts issues with the approximate-count endpoint', async () => {
      const { jira } = await setup(range(12).map((n) => record(n, { labels: n % 3 === 0 ? ['web'] : [] })));
      expect(await jira.countIssues('labels = web')).toBe(4);
    });

    it('explains an unbounded query in Jira’s words', async () => {
      const { jira } = await setup([record(1)]);
      await expect(jira.searchAll('ORDER BY key')).rejects.toThrow(
        'Jira POST /rest/api/3/search/jql failed: HTTP 400 — Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
      );
    });

    it('surfaces a 410 from a removed search endpoint clearly', async () => {
      const { fake, jira } = await setup([record(1)]);
      const raw = new HttpClient({ api: 'Jira', baseUrl: fake.url, headers: { Authorization: `Basic ${Buffer.from(`${EMAIL}:${TOKEN}`).toString('base64')}` } });
      const old = await raw.get('/rest/api/3/search', { jql: 'project = SUBS' }).catch((e: unknown) => e);
      expect(old).toBeInstanceOf(ApiError);
      expect((old as ApiError).status).toBe(410);

      fake.inject({ status: 410, body: (old as ApiError).body, match: (r) => r.path === '/rest/api/3/search/jql' });
      const err = await jira.searchAll('project = SUBS').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).message).toContain('HTTP 410 — The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.');
      expect(fake.requests).toHaveLength(2);
    });
  });

  describe('issues', () => {
    it('creates an epic, then a story under it with an ADF description', async () => {
      const { fake, jira } = await setup([record(1)]);
      const epic = await jira.createIssue({ projectKey: 'SUBS', issueType: 'Epic', summary: 'Billing portal' });
      const story = await jira.createIssue({
        projectKey: 'SUBS',
        issueType: 'Story',
        summary: 'Invoice download',
        description: 'Customers download **PDF** invoices.\n\n- monthly\n- yearly',
        parentKey: epic.key,
        assigneeAccountId: 'acc-ada',
        labels: ['billing'],
      });
      expect([epic.key, story.key]).toEqual(['SUBS-2', 'SUBS-3']);
      expect(fake.createdIssues.map((i) => i.key)).toEqual(['SUBS-2', 'SUBS-3']);
      const sent = JSON.parse(fake.requestsTo('/rest/api/3/issue', 'POST')[1]!.body);
      expect(sent.fields.description).toEqual(textToAdf('Customers download **PDF** invoices.\n\n- monthly\n- yearly'));
      expect(await jira.getIssue(story.key)).toMatchObject({ parentKey: 'SUBS-2', parentSummary: 'Billing portal', assigneeAccountId: 'acc-ada', status: 'To Do', labels: ['billing'], created: NOW });
      expect(fake.issue('SUBS-3')!.description).toBe('Customers download **PDF** invoices.\n\n- monthly\n- yearly');
    });

    it('refuses a child under a non-epic parent, as Jira’s hierarchy does', async () => {
      const { jira } = await setup([record(1)]);
      await expect(jira.createIssue({ projectKey: 'SUBS', issueType: 'Story', summary: 'x', parentKey: 'SUBS-1' })).rejects.toThrow(
        'parent: Given parent work item does not belong to appropriate hierarchy.',
      );
    });

    it('puts an issue under an epic and records the change in the changelog', async () => {
      const { fake, jira } = await setup([record(1, { issueType: 'Epic' }), record(2)]);
      await jira.setParent('SUBS-2', 'SUBS-1');
      expect(JSON.parse(fake.requestsTo('/rest/api/3/issue/SUBS-2', 'PUT')[0]!.body)).toEqual({ fields: { parent: { key: 'SUBS-1' } } });
      expect(fake.issue('SUBS-2')!.parentKey).toBe('SUBS-1');
      const histories = (await jira.changelogs(['20002'])).get('20002')!;
      expect(histories).toHaveLength(1);
      expect(histories[0]).toMatchObject({ authorAccountId: 'acc-grace', created: NOW });
      expect(histories[0]!.items.filter(isParentChange)).toEqual([
        { field: 'IssueParentAssociation', fieldId: 'parent', from: null, fromString: null, to: '20001', toString: 'SUBS-1' },
      ]);
      await jira.setParent('SUBS-2', null);
      expect(fake.issue('SUBS-2')!.parentKey).toBeNull();
    });

    it('assigns, edits and transitions an issue, each leaving a changelog entry', async () => {
      const { fake, jira } = await setup([record(1, { assigneeAccountId: null, status: 'To Do', statusCategory: 'new' })]);
      await jira.assignIssue('SUBS-1', 'acc-ada');
      await jira.editIssue('SUBS-1', { summary: 'Renamed', labels: ['web'] });
      await jira.transitionIssue('SUBS-1', 'done');
      const issue = await jira.getIssue('SUBS-1');
      expect(issue).toMatchObject({ summary: 'Renamed', labels: ['web'], assigneeName: 'Ada Lovelace', status: 'Done', statusCategory: 'done', resolved: NOW });
      const fields = fake.issue('SUBS-1')!.changelog.flatMap((h) => h.items.map((i) => i.field));
      expect(fields).toEqual(['assignee', 'summary', 'labels', 'status']);
    });

    it('deletes an issue with its sub-tasks, and reads a missing issue as null', async () => {
      const { fake, jira } = await setup([record(1), record(2, { issueType: 'Sub-task', parentKey: 'SUBS-1' }), record(3)]);
      await jira.deleteIssue('SUBS-1');
      expect(fake.requestsTo('/rest/api/3/issue/SUBS-1', 'DELETE')[0]!.query.get('deleteSubtasks')).toBe('true');
      expect(fake.data.issues.map((i) => i.key)).toEqual(['SUBS-3']);
      expect(await jira.getIssue('SUBS-1')).toBeNull();
    });

    it('finds an issue again by its idempotency key', async () => {
      const { fake, jira } = await setup([record(1)]);
      const created = await jira.createIssue({ projectKey: 'SUBS', issueType: 'Task', summary: 'Kick-off', idempotency: { property: 'pmAgents', value: 'plan-7:step-2' } });
      expect(await jira.getIssueProperty('SUBS-2', 'pmAgents')).toEqual({ key: 'plan-7:step-2' });
      expect((await jira.findIssueByProperty('SUBS', 'pmAgents', 'plan-7:step-2'))?.key).toBe(created.key);
      expect(await jira.findIssueByProperty('SUBS', 'pmAgents', 'plan-7:step-3')).toBeNull();
      expect(await jira.getIssueProperty('SUBS-1', 'pmAgents')).toBeUndefined();
      expect(fake.requestsTo('/rest/api/3/issue', 'POST')).toHaveLength(1);
      // The key travels with the create itself: no window in which the issue exists without it.
      expect(fake.requestsTo(/\/properties\//, 'PUT')).toEqual([]);
    });
  });

  describe('comments', () => {
    it('posts a comment as ADF and reads every page back as text', async () => {
      const at = (n: number) => new Date(Date.parse('2025-11-01T10:00:00.000Z') + n * 1000).toISOString();
      const comments = range(230).map((n) => ({ id: String(n), authorAccountId: 'acc-ada', body: `Note ${n}`, created: at(n), updated: at(n) }));
      const { fake, jira } = await setup([record(1, { comments })]);
      const posted = await jira.addComment('SUBS-1', 'Blocked on **design** review, see https://example.test/pr/1');
      const body = JSON.parse(fake.requestsTo('/rest/api/3/issue/SUBS-1/comment', 'POST')[0]!.body).body;
      expect(body.type).toBe('doc');
      expect(adfToText(body)).toBe('Blocked on **design** review, see https://example.test/pr/1');
      expect(posted).toMatchObject({ authorAccountId: 'acc-grace', authorName: 'Grace Hopper', created: NOW });

      const all = await jira.comments('SUBS-1');
      expect(all).toHaveLength(231);
      expect(all[0]).toMatchObject({ text: 'Note 1', authorName: 'Ada Lovelace' });
      expect(all[230]!.text).toBe('Blocked on **design** review, see https://example.test/pr/1');
      expect(fake.requestsTo('/rest/api/3/issue/SUBS-1/comment', 'GET')).toHaveLength(3);
    });

    it('is refused a plain-string comment body by the fake, as by Jira v3', async () => {
      const { fake } = await setup([record(1)]);
      const raw = new HttpClient({ api: 'Jira', baseUrl: fake.url, headers: { Authorization: `Basic ${Buffer.from(`${EMAIL}:${TOKEN}`).toString('base64')}` } });
      const err = (await raw.post('/rest/api/3/issue/SUBS-1/comment', { body: 'plain' }).catch((e: unknown) => e)) as ApiError;
      expect(err.status).toBe(400);
      expect(err.body).toEqual({ errorMessages: [], errors: { comment: 'Comment body is not valid!' } });
    });
  });

  describe('changelogs', () => {
    it('fetches the changelogs of 1,200 issues in two bulk requests', async () => {
      const statusChange = { field: 'status', fieldtype: 'jira', fieldId: 'status', from: '10000', fromString: 'To Do', to: '10001', toString: 'In Progress' };
      const assigneeChange = { field: 'assignee', fieldtype: 'jira', fieldId: 'assignee', from: null, fromString: null, to: 'acc-ada', toString: 'Ada Lovelace' };
      const issues = range(1200).map((n) =>
        record(n, {
          changelog: [
            { id: String(n * 10), authorAccountId: 'acc-ada', created: '2025-11-04T09:00:00.000Z', items: [statusChange] },
            { id: String(n * 10 + 1), authorAccountId: 'acc-grace', created: '2025-11-05T09:00:00.000Z', items: [assigneeChange] },
          ],
        }),
      );
      const { fake, jira } = await setup(issues);
      const byIssue = await jira.changelogs(issues.map((i) => i.id));
      expect(fake.requestsTo('/rest/api/3/changelog/bulkfetch', 'POST')).toHaveLength(2);
      expect(byIssue.size).toBe(1200);
      const first = byIssue.get('20001')!;
      expect(first.map((h) => h.items[0]!.field)).toEqual(['status', 'assignee']);
      expect(first[0]).toEqual({
        id: '10',
        authorAccountId: 'acc-ada',
        created: '2025-11-04T09:00:00.000Z',
        items: [{ field: 'status', fieldId: 'status', from: '10000', fromString: 'To Do', to: '10001', toString: 'In Progress' }],
      });
      const sizes = fake.requestsTo('/rest/api/3/changelog/bulkfetch').map((r) => (JSON.parse(r.body) as { issueIdsOrKeys: string[] }).issueIdsOrKeys.length);
      expect(sizes).toEqual([1000, 200]);
    });

    it('follows the bulk endpoint’s nextPageToken and filters by field', async () => {
      const issues = range(3).map((n) =>
        record(n, {
          changelog: range(4).map((h) => {
            const field = h % 2 ? 'status' : 'labels';
            const item = { field, fieldtype: 'jira', fieldId: field, from: null, fromString: null, to: null, toString: 'x' };
            return { id: String(n * 100 + h), authorAccountId: 'acc-ada', created: `2025-11-0${h}T09:00:00.000Z`, items: [item] };
          }),
        }),
      );
      const { fake, jira } = await setup(issues, { changelogPageSize: 4 });
      const all = await jira.changelogs(issues.map((i) => i.key), ['status']);
      expect(fake.requestsTo('/rest/api/3/changelog/bulkfetch')).toHaveLength(2);
      expect([...all.values()].flat()).toHaveLength(6);
      expect([...all.values()].flat().every((h) => h.items.every((i) => i.field === 'status'))).toBe(true);
      expect([...all.keys()].sort()).toEqual(['20001', '20002', '20003']);
    });

    it('reads Jira’s +0000 and +0530 offsets as the right instants', () => {
      expect(parseJiraDate('2024-01-15T10:23:45.123+0000')).toBe('2024-01-15T10:23:45.123Z');
      expect(parseJiraDate('2024-01-15T10:23:45.123+0530')).toBe('2024-01-15T04:53:45.123Z');
      expect(parseJiraDate(formatJiraDate('2025-11-03T14:05:09.120Z'))).toBe('2025-11-03T14:05:09.120Z');
    });
  });

  describe('the fake’s answers, in Jira’s shapes', () => {
    const raw = (fake: JiraFake) => new HttpClient({ api: 'Jira', baseUrl: fake.url, headers: { Authorization: `Basic ${Buffer.from(`${EMAIL}:${TOKEN}`).toString('base64')}` } });

    it('returns only ids when no fields are asked for, honours maxResults and pages with an opaque token', async () => {
      const { fake } = await setup(range(5).map((n) => record(n, { labels: ['web'] })));
      const page = await raw(fake).get<{ issues: unknown[]; nextPageToken?: string; isLast: boolean; total?: number }>('/rest/api/3/search/jql', { jql: 'project = SUBS ORDER BY key', maxResults: 2 });
      expect(page).toEqual({ issues: [{ id: '20001' }, { id: '20002' }], nextPageToken: expect.any(String), isLast: false });
      const next = await raw(fake).get<{ issues: unknown[] }>('/rest/api/3/search/jql', { jql: 'project = SUBS ORDER BY key', maxResults: 2, nextPageToken: page.nextPageToken });
      expect(next.issues).toEqual([{ id: '20003' }, { id: '20004' }]);
      // A token belongs to its query.
      const misused = await raw(fake).get('/rest/api/3/search/jql', { jql: 'labels = web', nextPageToken: page.nextPageToken }).catch((e: unknown) => e);
      expect((misused as ApiError).status).toBe(400);
    });

    it('formats issue fields and dates as Jira does', async () => {
      const { fake } = await setup([record(1, { issueType: 'Epic' }), record(2, { parentKey: 'SUBS-1', description: 'Hello' })]);
      const issue = await raw(fake).get<{ key: string; fields: Record<string, any> }>('/rest/api/3/issue/SUBS-2');
      expect(issue.fields.created).toBe('2025-11-03T14:05:09.120+0000');
      expect(issue.fields.status.statusCategory).toMatchObject({ key: 'indeterminate', name: 'In Progress' });
      expect(issue.fields.issuetype).toMatchObject({ name: 'Story', subtask: false, hierarchyLevel: 0 });
      expect(issue.fields.parent).toMatchObject({ key: 'SUBS-1', fields: { summary: 'Story number 1', issuetype: { name: 'Epic', hierarchyLevel: 1 } } });
      expect(issue.fields.description).toEqual(textToAdf('Hello'));
      expect(issue.fields.assignee).toMatchObject({ accountId: 'acc-ada', displayName: 'Ada Lovelace' });
    });

    it('pages an issue’s changelog with startAt', async () => {
      const changelog = range(150).map((h) => ({ id: String(h), authorAccountId: 'acc-ada', created: '2025-11-04T09:00:00.000Z', items: [] }));
      const { fake } = await setup([record(1, { changelog })]);
      const page = await raw(fake).get<{ startAt: number; total: number; isLast: boolean; values: { id: string; created: string }[] }>('/rest/api/3/issue/SUBS-1/changelog', { startAt: 100 });
      expect(page).toMatchObject({ startAt: 100, total: 150, isLast: true });
      expect(page.values).toHaveLength(50);
      expect(page.values[0]).toMatchObject({ id: '101', created: '2025-11-04T09:00:00.000+0000' });
    });
  });

  describe('ADF bodies', () => {
    it('writes headings, lists, code, links and mentions as ADF nodes and reads them back', () => {
      const text = '# Status\n\nShipped *today* by [~accountid:acc-ada]\nsee [the PR](https://example.test/pr/2)\n\n1. build\n2. `deploy`\n\n```sh\nnpm test\n```';
      const doc = textToAdf(text);
      expect(doc.content.map((n) => n.type)).toEqual(['heading', 'paragraph', 'orderedList', 'codeBlock']);
      expect(doc.content[1]!.content).toEqual([
        { type: 'text', text: 'Shipped ' },
        { type: 'text', text: 'today', marks: [{ type: 'em' }] },
        { type: 'text', text: ' by ' },
        { type: 'mention', attrs: { id: 'acc-ada' } },
        { type: 'hardBreak' },
        { type: 'text', text: 'see ' },
        { type: 'text', text: 'the PR', marks: [{ type: 'link', attrs: { href: 'https://example.test/pr/2' } }] },
      ]);
      expect(adfToText(doc)).toBe(text);
    });
  });

  describe('failures', () => {
    it('waits as Retry-After says on a 429, then succeeds', async () => {
      const { fake, jira, sleeps } = await setup([record(1)]);
      fake.inject({ status: 429, headers: { 'retry-after': '7', 'ratelimit-reason': 'jira-burst-based' }, body: { errorMessages: ['Rate limit exceeded.'] } });
      expect(await jira.searchAll('project = SUBS')).toHaveLength(1);
      expect(sleeps).toEqual([7000]);
      expect(searchRequests(fake)).toHaveLength(2);
    });

    it('waits until X-RateLimit-Reset when a 429 has no Retry-After', async () => {
      const { fake, jira, sleeps } = await setup([record(1)]);
      fake.inject({ status: 429, headers: { 'x-ratelimit-reset': '2025-12-01T15:00:45.000Z' } });
      expect(await jira.countIssues('project = SUBS')).toBe(1);
      expect(sleeps).toEqual([45_000]);
    });

    it('fails at once when a quota limit asks for a half-hour wait', async () => {
      const { fake, jira, sleeps } = await setup([record(1)]);
      fake.inject({ status: 429, headers: { 'retry-after': '1800', 'ratelimit-reason': 'jira-quota-tenant-based' }, body: { errorMessages: ['Rate limit exceeded.'] } });
      const err = (await jira.searchAll('project = SUBS').catch((e: unknown) => e)) as ApiError;
      expect(err).toBeInstanceOf(ApiError);
      expect(err.status).toBe(429);
      expect(err.message).toContain("Jira quota limit 'jira-quota-tenant-based' asks to wait 30 min; not waiting more than 5 min");
      expect(sleeps).toEqual([]);
      expect(fake.requests).toHaveLength(1);
    });

    it('turns a 400 body into a readable message naming the field', async () => {
      const { jira } = await setup([record(1)]);
      const err = (await jira.createIssue({ projectKey: 'SUBS', issueType: 'Story', summary: '' }).catch((e: unknown) => e)) as ApiError;
      expect(err).toBeInstanceOf(ApiError);
      expect(err.message).toBe('Jira POST /rest/api/3/issue failed: HTTP 400 — summary: You must specify a summary of the issue.');
      expect(err.body).toEqual({ errorMessages: [], errors: { summary: 'You must specify a summary of the issue.' } });
    });

    it('reports a wrong API token once, without retrying', async () => {
      const { fake, jira } = await setup([record(1)], {}, 'wrong-token');
      const err = (await jira.myself().catch((e: unknown) => e)) as ApiError;
      expect(err.status).toBe(401);
      expect(err.message).toContain('HTTP 401 — Client must be authenticated to access this resource. (check JIRA_EMAIL and JIRA_API_TOKEN)');
      expect(err.message).not.toContain('wrong-token');
      expect(fake.requests).toHaveLength(1);
    });

    it('knows who it is when the token is right', async () => {
      const { jira } = await setup([record(1)]);
      expect(await jira.myself()).toEqual({ accountId: 'acc-grace', displayName: 'Grace Hopper', emailAddress: EMAIL });
    });
  });
});
