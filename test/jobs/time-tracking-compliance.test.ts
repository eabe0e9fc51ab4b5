import { afterEach, describe, expect, it } from 'vitest';
import { complianceWeek } from '../../src/db/time-tracking.ts';
import { timeTrackingComplianceJob } from '../../src/jobs/time-tracking-compliance.ts';
import { emptyAgency, type AgencyData, type TempoWorklogRecord } from '../../src/sandbox/agency-data.ts';
import { createJobHarness, type JobHarness } from '../support/job-harness.ts';
import { testEngines } from '../support/databases.ts';

const H = 3600;
// Monday Nov 3 2025, 10:00 in New York: reviews Mon Oct 27 – Sun Nov 2 (DST ended on Sunday Nov 2 at 02:00).
const MONDAY_AFTER_DST = '2025-11-03T10:00:00-05:00';
const WEEK_DAYS = ['2025-10-27', '2025-10-28', '2025-10-29', '2025-10-30', '2025-10-31', '2025-11-01', '2025-11-02'];

let nextId = 1;
function worklog(accountId: string, startDate: string, seconds: number): TempoWorklogRecord {
  const id = nextId++;
  return {
    tempoWorklogId: id, issueId: 10100, projectId: 10001, authorAccountId: accountId, timeSpentSeconds: seconds, billableSeconds: seconds,
    startDate, startTime: '09:00:00', description: 'work', createdAt: `${startDate}T18:00:00Z`, updatedAt: `${startDate}T18:00:00Z`,
  };
}
/** `total` seconds spread over Mon–Fri of the reviewed week (remainder on Friday). */
function weekOf(accountId: string, total: number): TempoWorklogRecord[] {
  const perDay = Math.floor(total / 5);
  return WEEK_DAYS.slice(0, 5).map((d, i) => worklog(accountId, d, i === 4 ? total - perDay * 4 : perDay));
}

function agency(): AgencyData {
  const data = emptyAgency(
    {
      timezone: 'America/New_York',
      people: [
        { name: 'Grace Hopper', jira_account_id: 'acc-grace', slack_user_id: 'U0GRACE', team: 'platform', pm: true },
        { name: 'Ada Lovelace', jira_account_id: 'acc-ada', slack_user_id: 'U0ADA', team: 'platform' },
        { name: 'Alan Turing', jira_account_id: 'acc-alan', email: 'alan@agency.test', team: 'platform' },
        { name: 'Barbara Liskov', jira_account_id: 'acc-barbara', slack_user_id: 'U0BARB', team: 'platform' },
        { name: 'Claude Shannon', jira_account_id: 'acc-claude', slack_user_id: 'U0CLAU', team: 'mobile' },
        { name: 'Dana Scott', jira_account_id: 'acc-dana', email: 'dana@agency.test', team: 'mobile' },
        { name: 'Pat Part', jira_account_id: 'acc-pat', slack_user_id: 'U0PAT', team: 'mobile', weekly_hours: 20 },
        { name: 'Edsger Dijkstra', jira_account_id: 'acc-edsger', slack_user_id: 'U0EDS', team: 'platform', active: false },
        { name: 'Linus Torvalds', jira_account_id: 'acc-linus', slack_user_id: 'U0LIN', team: 'design', pm: true },
      ],
      teams: [
        { name: 'platform', pm: 'Grace Hopper' },
        { name: 'mobile', pm: 'Grace Hopper' },
        { name: 'design', pm: 'Linus Torvalds' },
      ],
    },
    MONDAY_AFTER_DST,
  );
  data.slack.users = [
    { id: 'U0GRACE', name: 'grace', realName: 'Grace Hopper' },
    { id: 'U0ADA', name: 'ada', realName: 'Ada Lovelace' },
    { id: 'U0ALAN', name: 'alan', realName: 'Alan Turing', email: 'alan@agency.test' },
    { id: 'U0BARB', name: 'barbara', realName: 'Barbara Liskov' },
    { id: 'U0CLAU', name: 'claude', realName: 'Claude Shannon' },
    { id: 'U0PAT', name: 'pat', realName: 'Pat Part' },
    { id: 'U0EDS', name: 'edsger', realName: 'Edsger Dijkstra' },
    { id: 'U0LIN', name: 'linus', realName: 'Linus Torvalds' },
  ];
  const contractor = Array.from({ length: 6000 }, (_, i) => worklog('contractor-1', WEEK_DAYS[i % 7]!, 6)); // 10 h, > one Tempo page
  data.tempo.worklogs = [
    ...weekOf('acc-grace', 40 * H),
    ...weekOf('acc-ada', 32 * H - 8 * H),
    worklog('acc-ada', '2025-11-02', 8 * H), // Sunday of the DST change: inside the week
    ...weekOf('acc-alan', 32 * H - 1),
    ...weekOf('acc-barbara', 16 * H),
    ...weekOf('acc-claude', 16 * H - 1),
    ...weekOf('acc-pat', 16 * H),
    ...weekOf('acc-edsger', 5 * H),
    ...weekOf('acc-linus', 40 * H),
    worklog('acc-claude', '2025-11-03', 8 * H), // the Monday after: next week
    worklog('acc-claude', '2025-10-26', 8 * H), // the Sunday before: last week
    ...contractor,
  ];
  return data;
}

const texts = (messages: { text: string }[]) => messages.map((m) => m.text).join('\n');

describe.each(testEngines())('time tracking compliance on %s', (engine) => {
  let h: JobHarness;
  afterEach(async () => h?.close());

  it('judges every active person on the week that spans the DST change, DMs those under their bar, and sums up for each PM', async () => {
    h = await createJobHarness(engine, agency());
    const outcome = await h.run(timeTrackingComplianceJob, MONDAY_AFTER_DST);
    expect(outcome.status).toBe('succeeded');
    if (outcome.status !== 'succeeded') return;
    expect(outcome.stats).toMatchObject({
      week: '2025-10-27..2025-11-02',
      people: 8,
      counts: { compliant: 4, partial: 2, non_compliant: 2 },
      dms: { sent: 3, failed: 1 },
      pmSummaries: { sent: 2, alreadySent: 0, failed: [] },
      unmappedAccounts: [{ accountId: 'contractor-1', hours: 10, worklogs: 6000 }],
    });

    const slack = h.sandbox.slack;
    // Exactly 32 h is compliant; Pat (20-h week) is compliant at 16 h; the inactive person is not judged.
    for (const quiet of ['U0ADA', 'U0PAT', 'U0EDS']) expect(slack.dmsTo(quiet).filter((m) => !m.text.includes('Time tracking'))).toEqual([]);
    // A second below 32 h is partial, and shown exactly (never rounded up to 32).
    const alan = slack.dmsTo('U0ALAN');
    expect(alan).toHaveLength(1);
    expect(alan[0]!.text).toContain('31h 59m');
    expect(alan[0]!.text).not.toMatch(/32\.0/);
    expect(texts(slack.dmsTo('U0BARB'))).toContain('16h');
    expect(slack.dmsTo('U0CLAU')).toHaveLength(1);
    expect(slack.dmsTo('U0CLAU')[0]!.text).toContain('15h 59m');

    // One summary per PM: Grace's covers platform and mobile, and names Dana, who could not be reached.
    const grace = texts(slack.dmsTo('U0GRACE'));
    expect(grace).toMatch(/platform/);
    expect(grace).toMatch(/mobile/);
    expect(JSON.stringify(slack.dmsTo('U0GRACE')[0]!.blocks)).toMatch(/Dana Scott[^"]*no Slack account found for dana@agency\.test/);
    expect(JSON.stringify(slack.dmsTo('U0GRACE')[0]!.blocks)).toContain('contractor-1');
    expect(slack.dmsTo('U0GRACE')).toHaveLength(1);
    expect(slack.dmsTo('U0LIN')).toHaveLength(1);

    const rows = await complianceWeek(h.database.db, '2025-10-27');
    expect(rows.map((r) => [r.user_account_id, r.status, r.notification_sent])).toEqual([
      ['acc-ada', 'compliant', false],
      ['acc-alan', 'partial', true],
      ['acc-barbara', 'partial', true],
      ['acc-claude', 'non_compliant', true],
      ['acc-dana', 'non_compliant', false],
      ['acc-grace', 'compliant', false],
      ['acc-linus', 'compliant', false],
      ['acc-pat', 'compliant', false],
    ]);
    expect(rows.find((r) => r.user_account_id === 'acc-ada')!.hours_logged).toBe(32);
    expect(rows.find((r) => r.user_account_id === 'acc-dana')!.notification_error).toBe('no Slack account found for dana@agency.test');
  });

  it('updates hours on a re-run of the same week and sends nothing twice', async () => {
    h = await createJobHarness(engine, agency());
    await h.run(timeTrackingComplianceJob, MONDAY_AFTER_DST);
    const sentBefore = h.sandbox.slack.messages.length;
    h.sandbox.tempo.data.worklogs.push(worklog('acc-barbara', '2025-10-31', 4 * H)); // a late logger

    const again = await h.run(timeTrackingComplianceJob, '2025-11-03T16:30:00-05:00');
    expect(again.status).toBe('succeeded');
    if (again.status === 'succeeded') expect(again.stats).toMatchObject({ dms: { sent: 0, alreadySent: 3 }, pmSummaries: { sent: 0, alreadySent: 2 } });
    expect(h.sandbox.slack.messages.length).toBe(sentBefore);
    const barbara = (await complianceWeek(h.database.db, '2025-10-27')).find((r) => r.user_account_id === 'acc-barbara')!;
    expect(barbara.hours_logged).toBe(20);
  });
});

describe('time tracking compliance (PGlite only)', () => {
  let h: JobHarness;
  afterEach(async () => h?.close());

  it('reviews the week before a Sunday evening’s own week, even when it is already Monday in UTC', async () => {
    h = await createJobHarness('pglite', agency());
    // Sunday Nov 9, 21:00 in New York = Monday Nov 10, 02:00 UTC.
    const outcome = await h.run(timeTrackingComplianceJob, '2025-11-09T21:00:00-05:00', { dryRun: true });
    expect(outcome.status === 'succeeded' && outcome.stats.week).toBe('2025-10-27..2025-11-02');
  });

  it('in a dry run, shows what it would send and sends and writes nothing', async () => {
    h = await createJobHarness('pglite', agency());
    const rendered: string[] = [];
    const outcome = await h.run(timeTrackingComplianceJob, MONDAY_AFTER_DST, { dryRun: true, rendered });
    expect(outcome.status).toBe('succeeded');
    expect(h.sandbox.slack.messages).toEqual([]);
    expect(rendered.some((r) => r.startsWith('U0ALAN') && r.includes('31h 59m'))).toBe(true);
    const db = h.database.db;
    for (const table of ['time_tracking_compliance', 'notifications', 'job_runs', 'people', 'slack_user_cache'] as const) {
      const { n } = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(n), table).toBe(0);
    }
  });

  it('rides out a 429 and a 500 from Tempo in the middle of paging, with the same figures', async () => {
    h = await createJobHarness('pglite', agency());
    const secondPage = (r: { query: URLSearchParams }) => r.query.get('offset') === '5000';
    h.sandbox.tempo.inject({ status: 429, headers: { 'retry-after': '0' }, body: { errors: { message: 'Too many requests' } }, match: secondPage });
    h.sandbox.tempo.inject({ status: 500, body: { errors: { message: 'boom' } }, match: secondPage });
    const outcome = await h.run(timeTrackingComplianceJob, MONDAY_AFTER_DST);
    expect(outcome.status).toBe('succeeded');
    if (outcome.status === 'succeeded') expect(outcome.stats).toMatchObject({ counts: { compliant: 4, partial: 2, non_compliant: 2 }, unmappedAccounts: [{ hours: 10 }] });
    expect(h.sandbox.tempo.requests.filter(secondPage)).toHaveLength(3);
  });

  it('fails with a clear error and sends nothing when Tempo keeps failing', async () => {
    h = await createJobHarness('pglite', agency());
    h.sandbox.tempo.inject({ status: 503, body: { errors: { message: 'down' } }, times: 100 });
    const outcome = await h.run(timeTrackingComplianceJob, MONDAY_AFTER_DST);
    expect(outcome.status).toBe('failed');
    if (outcome.status === 'failed') expect(outcome.error).toMatch(/Tempo .*\/4\/worklogs.* failed after \d+ attempts: HTTP 503/);
    expect(h.sandbox.slack.messages).toEqual([]);
    const runs = await h.database.db.selectFrom('job_runs').selectAll().execute();
    expect(runs.map((r) => [r.job, r.status])).toEqual([['time-tracking-compliance', 'failed']]);
  });
});
