import { describe, expect, it } from 'vitest';
import type { JiraIssueRecord } from '../../../src/sandbox/agency-data.ts';
import { compileJql, JqlError, parseJql, runJql, type JqlContext } from '../../../src/sandbox/servers/jql.ts';

function issue(key: string, over: Partial<JiraIssueRecord> = {}): JiraIssueRecord {
  return {
    id: String(10000 + Number(key.split('-')[1])) + (key.startsWith('SATG') ? '5' : ''),
    key,
    projectKey: key.split('-')[0]!,
    issueType: 'Story',
    summary: `Work item ${key}`,
    description: null,
    status: 'To Do',
    statusCategory: 'new',
    priority: 'Medium',
    assigneeAccountId: null,
    reporterAccountId: 'acc-grace',
    parentKey: null,
    labels: [],
    originalEstimateSeconds: null,
    storyPoints: null,
    created: '2025-10-01T09:00:00.000Z',
    updated: '2025-10-01T09:00:00.000Z',
    resolutiondate: null,
    changelog: [],
    comments: [],
    properties: {},
    ...over,
  };
}

const issues: JiraIssueRecord[] = [
  issue('SUBS-1', { issueType: 'Epic', summary: 'Checkout revamp', status: 'In Progress', statusCategory: 'indeterminate', priority: 'High' }),
  issue('SUBS-2', { parentKey: 'SUBS-1', status: 'In Review', statusCategory: 'indeterminate', assigneeAccountId: 'acc-ada', labels: ['billing', 'web'], updated: '2025-11-20T12:00:00.000Z' }),
  issue('SUBS-3', { parentKey: 'SUBS-1', status: 'Done', statusCategory: 'done', assigneeAccountId: 'acc-grace', resolutiondate: '2025-11-02T08:00:00.000Z', created: '2025-11-01T00:00:00.000Z', priority: 'Highest' }),
  issue('SUBS-4', { issueType: 'Bug', assigneeAccountId: 'acc-ada', labels: ['web'], created: '2025-11-25T10:00:00.000Z', updated: '2025-11-25T10:00:00.000Z', properties: { pmAgents: { key: 'plan-7:step-2' } } }),
  issue('SUBS-10', { issueType: 'Sub-task', parentKey: 'SUBS-2', priority: 'Low' }),
  issue('SATG-1', { issueType: 'Task', summary: 'Stagecoach launch checklist', assigneeAccountId: 'acc-ada' }),
];

const ctx: JqlContext = {
  now: new Date('2025-12-01T12:00:00.000Z'),
  currentAccountId: 'acc-ada',
  projects: [
    { id: '10001', key: 'SUBS', name: 'Subscriptions' },
    { id: '10002', key: 'SATG', name: 'Stagecoach' },
  ],
  issues,
  accountIds: ['acc-ada', 'acc-grace'],
  indexedProperties: ['pmAgents'],
};

const keys = (jql: string, context: JqlContext = ctx) => runJql(jql, issues, context).map((i) => i.key);
const sorted = (jql: string) => keys(jql).sort();
const error = (jql: string, context: JqlContext = ctx) => {
  try {
    runJql(jql, issues, context);
  } catch (err) {
    if (err instanceof JqlError) return err.message;
    throw err;
  }
  throw new Error(`expected "${jql}" to be refused`);
};

describe('JQL subset of the fake Jira', () => {
  describe('matches each supported clause as Jira does', () => {
    it.each([
      ['project = SUBS', ['SUBS-1', 'SUBS-10', 'SUBS-2', 'SUBS-3', 'SUBS-4']],
      ['project = "Stagecoach"', ['SATG-1']],
      ['project in (SATG, 10001)', ['SATG-1', 'SUBS-1', 'SUBS-10', 'SUBS-2', 'SUBS-3', 'SUBS-4']],
      ['key = subs-2', ['SUBS-2']],
      ['key in (SUBS-2, SUBS-3)', ['SUBS-2', 'SUBS-3']],
      ['issuetype = Epic', ['SUBS-1']],
      ['issuetype != Epic AND project = SUBS', ['SUBS-10', 'SUBS-2', 'SUBS-3', 'SUBS-4']],
      ['type in (Bug, Subtask)', ['SUBS-10', 'SUBS-4']],
      ['parent = SUBS-1', ['SUBS-2', 'SUBS-3']],
      ['parent in (SUBS-1, SUBS-2)', ['SUBS-10', 'SUBS-2', 'SUBS-3']],
      ['project = SUBS AND parent is EMPTY', ['SUBS-1', 'SUBS-4']],
      ['parent is not EMPTY', ['SUBS-10', 'SUBS-2', 'SUBS-3']],
      ['project = SUBS AND "Epic Link" is EMPTY', ['SUBS-1', 'SUBS-4']],
      ['status = "In Review"', ['SUBS-2']],
      ['status in ("In Review", Done)', ['SUBS-2', 'SUBS-3']],
      ['statusCategory = Done', ['SUBS-3']],
      ['statusCategory = "In Progress"', ['SUBS-1', 'SUBS-2']],
      ['project = SUBS AND statusCategory != Done', ['SUBS-1', 'SUBS-10', 'SUBS-2', 'SUBS-4']],
      ['statusCategory = "To Do" AND project = SATG', ['SATG-1']],
      ['assignee = acc-grace', ['SUBS-3']],
      ['assignee = currentUser()', ['SATG-1', 'SUBS-2', 'SUBS-4']],
      ['project = SUBS AND assignee is EMPTY', ['SUBS-1', 'SUBS-10']],
      ['assignee in (EMPTY, acc-grace) AND project = SUBS', ['SUBS-1', 'SUBS-10', 'SUBS-3']],
      ['labels = web', ['SUBS-2', 'SUBS-4']],
      ['labels in (billing)', ['SUBS-2']],
      ['project = SUBS AND labels is EMPTY', ['SUBS-1', 'SUBS-10', 'SUBS-3']],
      ['updated >= "2025-11-01"', ['SUBS-2', 'SUBS-4']],
      ['created >= -30d', ['SUBS-4']],
      ['created >= "-4w 3d"', ['SUBS-3', 'SUBS-4']],
      ['created > "2025/11/25 09:59"', ['SUBS-4']],
      ['resolved >= startOfMonth(-1)', ['SUBS-3']],
      ['resolutiondate is not EMPTY', ['SUBS-3']],
      ['priority in (Highest, High)', ['SUBS-1', 'SUBS-3']],
      ['summary ~ "checkout"', ['SUBS-1']],
      ['issue.property[pmAgents].key = "plan-7:step-2"', ['SUBS-4']],
    ])('%s', (jql, expected) => {
      expect(sorted(jql)).toEqual(expected);
    });
  });

  it('never matches an empty field with != or NOT IN, as Jira does', () => {
    expect(sorted('project = SUBS AND assignee != acc-ada')).toEqual(['SUBS-3']);
    expect(sorted('project = SUBS AND labels not in (billing)')).toEqual(['SUBS-4']);
  });

  it('binds AND tighter than OR, and NOT tighter than AND', () => {
    expect(sorted('issuetype = Epic OR issuetype = Bug AND assignee = acc-ada')).toEqual(['SUBS-1', 'SUBS-4']);
    expect(sorted('(issuetype = Epic OR issuetype = Bug) AND assignee = acc-ada')).toEqual(['SUBS-4']);
    expect(sorted('NOT issuetype = Epic AND project = SUBS AND parent is EMPTY')).toEqual(['SUBS-4']);
    expect(sorted('project = SUBS AND NOT (statusCategory = Done OR parent is not EMPTY)')).toEqual(['SUBS-1', 'SUBS-4']);
  });

  it('reads keywords in any case', () => {
    expect(sorted('PROJECT = subs and ISSUETYPE = epic or Key In (satg-1)')).toEqual(['SATG-1', 'SUBS-1']);
  });

  it('orders by the ORDER BY fields, then by key; key DESC when none is given', () => {
    expect(keys('project = SUBS')).toEqual(['SUBS-10', 'SUBS-4', 'SUBS-3', 'SUBS-2', 'SUBS-1']);
    expect(keys('project = SUBS ORDER BY key ASC')).toEqual(['SUBS-1', 'SUBS-2', 'SUBS-3', 'SUBS-4', 'SUBS-10']);
    expect(keys('project = SUBS ORDER BY priority ASC, key DESC')).toEqual(['SUBS-3', 'SUBS-1', 'SUBS-4', 'SUBS-2', 'SUBS-10']);
    expect(keys('project = SUBS ORDER BY updated DESC, created')).toEqual(['SUBS-4', 'SUBS-2', 'SUBS-1', 'SUBS-10', 'SUBS-3']);
    // Empty values sort last ascending.
    expect(keys('project = SUBS ORDER BY resolved ASC, key ASC')[0]).toBe('SUBS-3');
  });

  it('parses the ORDER BY clause into the query', () => {
    expect(parseJql('project = SUBS order by created DESC, key').orderBy).toEqual([
      { field: 'created', direction: 'desc' },
      { field: 'key', direction: 'asc' },
    ]);
  });

  it('calls a query with no condition unbounded', () => {
    expect(compileJql(parseJql('ORDER BY key'), ctx).bounded).toBe(false);
    expect(compileJql(parseJql(''), ctx).bounded).toBe(false);
    expect(compileJql(parseJql('updated >= -1d'), ctx).bounded).toBe(true);
  });

  describe('refuses what it does not understand with a Jira-like message', () => {
    it.each([
      ['project = SUBS AND', 'Expecting a field name but got the end of the query'],
      ['(project = SUBS', "Expecting ')' before the end of the query"],
      ['project = SUBS)', "Expecting either 'OR' or 'AND' but got ')'"],
      ['project SUBS', 'Expecting operator but got \'SUBS\''],
      ['project = SUBS foo = bar', "Expecting either 'OR' or 'AND' but got 'foo'"],
      ['summary ~ "unclosed', 'has not been completed'],
      ['project ! SUBS', "The character '!' is a reserved JQL character"],
      ['sprint in openSprints()', "Field 'sprint' does not exist or you do not have permission to view it"],
      ['project = NOPE', "The value 'NOPE' does not exist for the field 'project'."],
      ['key = SUBS-99', "An issue with key 'SUBS-99' does not exist for field 'key'."],
      ['issuetype = Epik', "The value 'Epik' does not exist for the field 'issuetype'."],
      ['status = Reviewing', "The value 'Reviewing' does not exist for the field 'status'."],
      ['statusCategory = Finished', "The value 'Finished' does not exist for the field 'statusCategory'."],
      ['assignee = someone@agency.test', "The value 'someone@agency.test' does not exist for the field 'assignee'."],
      ['project > SUBS', "The operator '>' is not supported by the 'project' field."],
      ['updated >= "2025-13-01"', "Date value '2025-13-01' for field 'updated' is invalid."],
      ['updated >= endOfQuarter()', "Unable to find JQL function 'endOfQuarter()'."],
      ['status WAS Done', "The operator 'WAS' is not supported"],
      ['project = SUBS ORDER BY sprint', "Not able to sort using field 'sprint'."],
      ['assignee is acc-ada', "only supports the value EMPTY"],
      ['project in SUBS', "Expecting '(' but got 'SUBS'"],
      ['project = (SUBS, SATG)', "does not take a list of values"],
    ])('%s', (jql, message) => {
      expect(error(jql)).toContain(message);
    });

    it('refuses issue properties that no app indexes', () => {
      expect(error('issue.property[pmAgents].key = "x"', { ...ctx, indexedProperties: [] })).toContain(
        "Field 'issue.property[pmAgents].key' does not exist",
      );
    });

    it('refuses an unknown query even when no issue exists to match it', () => {
      expect(() => compileJql(parseJql('fixVersion = 1.0'), { now: ctx.now })).toThrow(JqlError);
    });
  });
});
