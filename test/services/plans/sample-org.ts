// The small agency the plan tests use: three people, two projects with channels, "now" fixed on a Monday afternoon in
// New York; and an ActionContext wired to the fake Jira and Slack servers.
import type { WebClient } from '@slack/web-api';
import { fixedClock, type Clock } from '../../../src/clock.ts';
import { parseOrgConfig, type OrgConfig } from '../../../src/config.ts';
import { createJiraClient, type JiraClient } from '../../../src/integrations/jira.ts';
import { createSlackWebClient } from '../../../src/integrations/slack.ts';
import { silentLogger } from '../../../src/logger.ts';
import type { JiraIssueRecord } from '../../../src/sandbox/agency-data.ts';
import { JiraFake } from '../../../src/sandbox/servers/jira.ts';
import { SANDBOX_SLACK_BOT_TOKEN, SlackFake } from '../../../src/sandbox/servers/slack.ts';
import { stepMemory, type ActionContext } from '../../../src/services/plans/actions/index.ts';
import type { PlanningContext } from '../../../src/services/plans/plan.ts';

/** Monday 24 November 2025, 10:00 in New York. */
export const NOW = '2025-11-24T15:00:00Z';
export const ZONE = 'America/New_York';

export const org: OrgConfig = parseOrgConfig({
  timezone: ZONE,
  holidays: ['2025-11-27'],
  people: [
    { name: 'Ada Lovelace', jira_account_id: 'acc-ada', slack_user_id: 'U01ADA', team: 'platform' },
    { name: 'Grace Hopper', jira_account_id: 'acc-grace', slack_user_id: 'U01GRACE', team: 'platform', pm: true },
    { name: 'Linus Pauling', jira_account_id: 'acc-linus', slack_user_id: 'U01LIN', team: 'platform' },
  ],
  teams: [{ name: 'platform', pm: 'Grace Hopper' }],
  projects: [
    { key: 'ACME', name: 'Acme Storefront', type: 'scope', pm: 'Grace Hopper', slack_channel: 'C0ACME' },
    { key: 'SUBS', name: 'Subscriptions', type: 'scope', pm: 'Grace Hopper', slack_channel: 'C0SUBS' },
  ],
});

export function planningContext(over: Partial<PlanningContext> = {}): PlanningContext {
  return { org, zone: ZONE, now: new Date(NOW), channelId: 'C0SUBS', requester: { slackUserId: 'U01GRACE' }, ...over };
}

export function actionContext(clients: { jira?: JiraClient; slack?: WebClient }, over: Partial<ActionContext> = {}): ActionContext {
  return {
    jira: () => {
      if (!clients.jira) throw new Error('this test gave no Jira client');
      return clients.jira;
    },
    slack: () => {
      if (!clients.slack) throw new Error('this test gave no Slack client');
      return clients.slack;
    },
    clock: fixedClock(NOW) as Clock,
    zone: ZONE,
    holidays: org.holidays,
    idempotencyKey: 'plan-1:step',
    requester: { slackUserId: 'U01GRACE', accountId: 'acc-grace' },
    // As on a retry: actions look their idempotency key up (a first try may skip that).
    step: stepMemory({ mayHaveRunBefore: true }),
    logger: silentLogger,
    ...over,
  };
}

const JIRA_EMAIL = 'pm-agents@agency.test';
const JIRA_TOKEN = 'jira-test-token';

/** An existing issue of the sample Jira. */
export function jiraIssue(key: string, over: Partial<JiraIssueRecord> = {}): JiraIssueRecord {
  return {
    id: String(20000 + Number(key.split('-')[1])),
    key,
    projectKey: key.split('-')[0]!,
    issueType: 'Task',
    summary: `Existing ${key}`,
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
    created: '2025-11-03T14:00:00.000Z',
    updated: '2025-11-03T14:00:00.000Z',
    resolutiondate: null,
    changelog: [],
    comments: [],
    properties: {},
    ...over,
  };
}

/** The fake Jira (SUBS and ACME, our three people) and a client for it. Stop the fake after the test. */
export async function startJira(issues: JiraIssueRecord[] = []): Promise<{ fake: JiraFake; jira: JiraClient }> {
  const fake = await new JiraFake(
    {
      users: org.people.map((p) => ({ accountId: p.jira_account_id, displayName: p.name, active: true })),
      projects: [
        { id: '10001', key: 'SUBS', name: 'Subscriptions' },
        { id: '10002', key: 'ACME', name: 'Acme Storefront' },
      ],
      issues,
    },
    { email: JIRA_EMAIL, apiToken: JIRA_TOKEN, clock: fixedClock(NOW) },
  ).start();
  const jira = createJiraClient({ baseUrl: fake.url, email: JIRA_EMAIL, apiToken: JIRA_TOKEN, policy: { baseDelayMs: 1, maxDelayMs: 2 }, clock: fixedClock(NOW) });
  return { fake, jira };
}

/** The fake Slack (our people, the two project channels, "now" fixed) and a client for it. */
export async function startSlack(): Promise<{ fake: SlackFake; slack: WebClient }> {
  const members = org.people.map((p) => p.slack_user_id!);
  const fake = await new SlackFake(
    {
      users: org.people.map((p) => ({ id: p.slack_user_id!, name: p.name.split(' ')[0]!.toLowerCase(), realName: p.name })),
      channels: [
        { id: 'C0SUBS', name: 'subscriptions', members },
        { id: 'C0ACME', name: 'acme', members },
      ],
    },
    { clock: fixedClock(NOW) },
  ).start();
  const slack = createSlackWebClient({ token: SANDBOX_SLACK_BOT_TOKEN, apiUrl: fake.apiUrl, retries: 0 });
  return { fake, slack };
}
