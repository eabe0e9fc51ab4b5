import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.ts';
import type { OrgConfigInput } from '../../src/config.ts';
import { retainerAlertsOfMonth, retainerSnapshots } from '../../src/db/retainer-budget.ts';
import { retainerBudgetMonitorJob } from '../../src/jobs/retainer-budget-monitor.ts';
import { executeJob, type JobOutcome } from '../../src/jobs/run-job.ts';
import { silentLogger } from '../../src/logger.ts';
import { openRuntime } from '../../src/runtime.ts';
import { emptyAgency, type AgencyData, type TempoWorklogRecord } from '../../src/sandbox/agency-data.ts';
import { testEngines } from '../support/databases.ts';
import { createJobHarness, FAST_POLICY, shrunkSleep, type JobHarness } from '../support/job-harness.ts';

const H = 3600;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
// November 2025 in New York: Sat Nov 1, twenty working days (Nov 3 … 28).
const WED_0900 = '2025-11-12T09:00:00-05:00';
const WED_1300 = '2025-11-12T13:00:00-05:00';
const WED_1700 = '2025-11-12T17:00:00-05:00';
const THU_0900 = '2025-11-13T09:00:00-05:00';
const DEC_TUE_0900 = '2025-12-09T09:00:00-05:00';
const NOV_WORKING_DAYS_TO_11TH = ['2025-11-03', '2025-11-04', '2025-11-05', '2025-11-06', '2025-11-07', '2025-11-10', '2025-11-11'];

const SUBS = 10001;
const HRBR = 10002;
const SATG = 10003;
const INTL = 10004;

let nextId = 1;
function worklog(projectId: number, startDate: string, seconds: number): TempoWorklogRecord {
  const id = nextId++;
  return {
    tempoWorklogId: id, issueId: projectId * 10 + 1, projectId, authorAccountId: 'acc-ada', timeSpentSeconds: seconds, billableSeconds: seconds,
    startDate, startTime: '09:00:00', description: 'work', createdAt: `${startDate}T18:00:00Z`, updatedAt: `${startDate}T18:00:00Z`,
  };
}
const everyDay = (projectId: number, dates: string[], seconds: number) => dates.map((d) => worklog(projectId, d, seconds));

function orgConfig(overrides: Partial<OrgConfigInput> = {}): OrgConfigInput {
  return {
    timezone: 'America/New_York',
    channels: { pm_alerts: 'C0PMALERTS' },
    people: [
      { name: 'Grace Hopper', jira_account_id: 'acc-grace', slack_user_id: 'U0GRACE', team: 'platform', pm: true },
      { name: 'Ada Lovelace', jira_account_id: 'acc-ada', slack_user_id: 'U0ADA', team: 'platform' },
      { name: 'Linus Torvalds', jira_account_id: 'acc-linus', slack_user_id: 'U0LIN', team: 'platform', pm: true },
    ],
    teams: [{ name: 'platform', pm: 'Grace Hopper' }],
    projects: [
      { key: 'SUBS', name: 'Subscriptions', type: 'retainer', monthly_retainer_hours: 120, pm: 'Grace Hopper', slack_channel: 'C0SUBS', tempo_project_id: SUBS },
      { key: 'HRBR', name: 'Harbor Health', type: 'retainer', monthly_retainer_hours: 100, pm: 'Linus Torvalds', tempo_project_id: HRBR },
      { key: 'SATG', name: 'Stagecoach', type: 'scope', pm: 'Grace Hopper', slack_channel: 'C0SATG', tempo_project_id: SATG },
      { key: 'INTL', name: 'Internal tools', type: 'internal', pm: 'Grace Hopper', tempo_project_id: INTL },
    ],
    ...overrides,
  };
}

/** SUBS at 70 % (84 of 120 h) on the morning of Wed Nov 12; HRBR on track; the scope and internal projects far "over". */
function agency(config: OrgConfigInput = orgConfig()): AgencyData {
  const data = emptyAgency(config, WED_0900);
  data.slack.users = [
    { id: 'U0GRACE', name: 'grace', realName: 'Grace Hopper' },
    { id: 'U0ADA', name: 'ada', realName: 'Ada Lovelace' },
    { id: 'U0LIN', name: 'linus', realName: 'Linus Torvalds' },
  ];
  data.slack.channels = ['C0SUBS', 'C0SATG', 'C0PMALERTS'].map((id) => ({ id, name: id.toLowerCase(), members: [] }));
  data.tempo.worklogs = [
    ...everyDay(SUBS, NOV_WORKING_DAYS_TO_11TH, 12 * H),
    ...everyDay(HRBR, NOV_WORKING_DAYS_TO_11TH, 2 * H),
    ...everyDay(SATG, NOV_WORKING_DAYS_TO_11TH, 70 * H),
    ...everyDay(INTL, NOV_WORKING_DAYS_TO_11TH, 70 * H),
    worklog(SUBS, '2025-10-31', 100 * H), // last month: not this month's hours
  ];
  return data;
}

let outDir: string;
beforeEach(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'retainer-out-'));
});
afterEach(async () => {
  await rm(outDir, { recursive: true, force: true });
});

/** `pm-agents run retainer-budget-monitor --as-of <asOf>` against the harness, with charts written to a temporary ./out. */
async function runMonitor(h: JobHarness, asOf: string, options: { dryRun?: boolean; rendered?: string[] } = {}): Promise<JobOutcome> {
  const runtime = await openRuntime({
    env: h.config.env,
    logger: silentLogger,
    clock: fixedClock(asOf),
    config: h.config,
    database: h.database.handle,
    dryRun: options.dryRun,
    outDir,
    render: ({ target, text }) => options.rendered?.push(`${target}\n${text}`),
    clientOptions: { policy: FAST_POLICY, sleep: shrunkSleep, slackRetries: 2 },
  });
  return executeJob(runtime.ctx, retainerBudgetMonitorJob, { asOf: new Date(asOf), dryRun: options.dryRun ?? false, trigger: 'manual' });
}

async function succeeded(run: Promise<JobOutcome>): Promise<Record<string, unknown>> {
  const outcome = await run;
  if (outcome.status !== 'succeeded') throw new Error(`run ${outcome.status}: ${'error' in outcome ? outcome.error : outcome.reason}`);
  return outcome.stats;
}

const texts = (messages: { text: string }[]) => messages.map((m) => m.text).join('\n');
const topLevel = <T extends { threadTs?: string }>(messages: T[]) => messages.filter((m) => !m.threadTs);

describe.each(testEngines())('retainer budget monitor on %s', (engine) => {
  let h: JobHarness;
  afterEach(async () => h?.close());

  it('sends one alert for 90 % when 75 and 90 are crossed between runs, never the 75 later, 100 % with hours over, and starts again next month', async () => {
    h = await createJobHarness(engine, agency());
    const slack = h.sandbox.slack;

    // 09:00 — 84 of 120 h (70 %): no threshold yet.
    const morning = await succeeded(runMonitor(h, WED_0900));
    expect(morning).toMatchObject({ month: '2025-11', projects: 2, alerts: { thresholds: 0, sent: 0 }, summary: { status: 'not_due' } });
    expect(slack.messages).toEqual([]);

    // 13:00 — 30 h more logged today: 114 h (95 %). One alert, for 90 %, to Grace and to #subs.
    h.sandbox.tempo.data.worklogs.push(worklog(SUBS, '2025-11-12', 30 * H));
    const noon = await succeeded(runMonitor(h, WED_1300));
    expect(noon).toMatchObject({
      alerts: { thresholds: 1, sent: 2, failed: 0 },
      alerted: [{ key: 'SUBS', threshold: 90, level: 'critical', covered: [75] }],
      retainers: [
        { key: 'SUBS', consumedHours: 114, percent: 95, risk: 'critical', alertedThreshold: 90 },
        { key: 'HRBR', consumedHours: 14, risk: 'on_track', alertedThreshold: null },
      ],
    });
    const dm = topLevel(slack.dmsTo('U0GRACE'));
    const channel = topLevel(slack.messagesIn('C0SUBS'));
    expect(dm).toHaveLength(1);
    expect(channel).toHaveLength(1);
    for (const alert of [dm[0]!, channel[0]!]) {
      expect(alert.text).toContain('Critical: SUBS · Subscriptions, 114h of 120h used (95 %), 6h remaining.');
      expect(alert.text).toMatch(/At \d+(\.\d)? h per working day, the 120 h retainer runs out today/);
    }
    expect(slack.dmsTo('U0LIN')).toEqual([]); // HRBR is on track

    const alerts = await retainerAlertsOfMonth(h.database.db, '2025-11');
    expect(alerts.map((a) => [a.project_key, a.threshold, a.covered_by, a.notified_at !== null])).toEqual([
      ['SUBS', 75, 90, false],
      ['SUBS', 90, null, true],
    ]);
    expect(alerts[1]!.notification_keys).toEqual(['retainer:SUBS:2025-11:90', 'retainer:SUBS:2025-11:90:channel']);

    // 17:00 — the same hours: no alert again; the day's summary to #pm-alerts, most urgent first.
    const evening = await succeeded(runMonitor(h, WED_1700));
    expect(evening).toMatchObject({ alerts: { thresholds: 0, sent: 0 }, summary: { status: 'sent', hiddenRows: 0 } });
    const summaries = slack.messagesIn('C0PMALERTS');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!.text).toContain('Retainer budgets as of Wed Nov 12, 17:00');
    const summaryText = JSON.stringify(summaries[0]!.blocks);
    expect(summaryText.indexOf('*SUBS*')).toBeGreaterThan(-1);
    expect(summaryText.indexOf('*SUBS*')).toBeLessThan(summaryText.indexOf('*HRBR*'));
    expect(summaryText).not.toContain('SATG');
    expect(summaryText).not.toContain('INTL');
    expect(summaries[0]!.files ?? []).toEqual([]);

    // A re-run of the 17:00 slot sends nothing at all.
    const sentSoFar = slack.messages.length;
    const again = await succeeded(runMonitor(h, WED_1700));
    expect(again).toMatchObject({ alerts: { thresholds: 0 }, summary: { status: 'already_sent' } });
    expect(slack.messages.length).toBe(sentSoFar);

    // Thursday — 10 h more: 124 h (103 %). The exceeded alert says how many hours over; the 75 % never comes.
    h.sandbox.tempo.data.worklogs.push(worklog(SUBS, '2025-11-13', 10 * H));
    const thursday = await succeeded(runMonitor(h, THU_0900));
    expect(thursday).toMatchObject({ alerted: [{ key: 'SUBS', threshold: 100, level: 'exceeded', covered: [] }], alerts: { sent: 2 } });
    const exceeded = topLevel(slack.dmsTo('U0GRACE'));
    expect(exceeded).toHaveLength(2);
    expect(exceeded[1]!.text).toContain('Exceeded: SUBS · Subscriptions, 124h of 120h used (103 %), 4h over.');
    expect(texts(slack.messages)).not.toContain('Early warning');

    // December starts fresh: 96 of 120 h by Tue Dec 9 (80 %) gives the early warning again.
    h.sandbox.tempo.data.worklogs.push(...everyDay(SUBS, ['2025-12-01', '2025-12-02', '2025-12-03', '2025-12-04', '2025-12-05', '2025-12-08'], 16 * H));
    const december = await succeeded(runMonitor(h, DEC_TUE_0900));
    expect(december).toMatchObject({ month: '2025-12', alerted: [{ key: 'SUBS', threshold: 75, level: 'warning' }] });
    expect(topLevel(slack.dmsTo('U0GRACE')).at(-1)!.text).toContain('Early warning: SUBS · Subscriptions, 96h of 120h used (80 %), 24h remaining.');
    expect((await retainerAlertsOfMonth(h.database.db, '2025-12')).map((a) => a.threshold)).toEqual([75]);

    // The ledger holds every send once; no 75 % key in November.
    const keys = (await h.database.db.selectFrom('notifications').select('dedupe_key').orderBy('dedupe_key').execute()).map((r) => r.dedupe_key);
    expect(keys).toEqual([
      'retainer-summary:2025-11-12',
      'retainer:SUBS:2025-11:100',
      'retainer:SUBS:2025-11:100:channel',
      'retainer:SUBS:2025-11:90',
      'retainer:SUBS:2025-11:90:channel',
      'retainer:SUBS:2025-12:75',
      'retainer:SUBS:2025-12:75:channel',
    ]);
    // Every run left a snapshot: the burn history of the month.
    expect((await retainerSnapshots(h.database.db, 'SUBS', '2025-11')).map((s) => [s.consumed_hours, s.risk])).toEqual([
      [84, 'warning'],
      [114, 'critical'],
      [114, 'critical'],
      [124, 'exceeded'],
    ]);
  });

  it('posts the burn-up chart through the three-step upload in the alert’s thread, as a valid PNG, and writes it to the out directory', async () => {
    const data = agency();
    data.tempo.worklogs.push(worklog(SUBS, '2025-11-12', 30 * H));
    h = await createJobHarness(engine, data);
    await succeeded(runMonitor(h, WED_1300));

    const slack = h.sandbox.slack;
    expect(slack.requestsTo('/api/files.getUploadURLExternal')).toHaveLength(2);
    expect(slack.requestsTo(/^\/upload\/v1\//)).toHaveLength(2);
    expect(slack.requestsTo('/api/files.completeUploadExternal')).toHaveLength(2);

    const alert = topLevel(slack.messagesIn('C0SUBS'))[0]!;
    const chart = slack.files.find((f) => f.channelId === 'C0SUBS')!;
    expect(chart).toMatchObject({ filename: 'SUBS-2025-11-burn-up.png', completed: true, threadTs: alert.ts });
    expect(chart.bytes!.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(chart.bytes!.length).toBe(chart.length);
    const dmChart = slack.files.find((f) => f.channelId === slack.dmChannelOf('U0GRACE'))!;
    expect(dmChart).toMatchObject({ filename: 'SUBS-2025-11-burn-up.png', threadTs: topLevel(slack.dmsTo('U0GRACE'))[0]!.ts });

    const written = await readFile(join(outDir, 'SUBS-2025-11-burn-up.png'));
    expect(written.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  });
});

describe('retainer budget monitor (PGlite only)', () => {
  let h: JobHarness;
  afterEach(async () => h?.close());

  it('never alerts a scope or an internal project, and never asks Tempo for their hours', async () => {
    h = await createJobHarness('pglite', agency());
    const stats = await succeeded(runMonitor(h, WED_1700));
    expect(stats).toMatchObject({ projects: 2, alerts: { thresholds: 0 }, tempoProjectsQueried: 2 });
    expect(h.sandbox.slack.messagesIn('C0SATG')).toEqual([]);
    expect(texts(h.sandbox.slack.messages)).not.toMatch(/SATG|INTL/);
    const asked = h.sandbox.tempo.requests.map((r) => r.query.getAll('projectId')).flat();
    expect(asked.sort()).toEqual([String(SUBS), String(HRBR)]);
  });

  it('in a dry run, shows the alert, chart and summary it would send, and sends and writes nothing', async () => {
    const data = agency();
    data.tempo.worklogs.push(worklog(SUBS, '2025-11-12', 30 * H));
    h = await createJobHarness('pglite', data);
    const rendered: string[] = [];
    const stats = await succeeded(runMonitor(h, WED_1700, { dryRun: true, rendered }));
    expect(stats).toMatchObject({ alerts: { thresholds: 1, dryRun: 2, sent: 0 }, summary: { status: 'dry_run' }, charts: [] });
    expect(rendered.find((r) => r.startsWith('U0GRACE'))).toMatch(/Critical · SUBS[\s\S]*6h remaining \(95 % used\)[\s\S]*\[files: SUBS-2025-11-burn-up\.png\]/);
    expect(rendered.some((r) => r.startsWith('C0SUBS'))).toBe(true);
    expect(rendered.some((r) => r.startsWith('C0PMALERTS') && r.includes('Retainer budgets'))).toBe(true);

    expect(h.sandbox.slack.messages).toEqual([]);
    expect(h.sandbox.slack.files).toEqual([]);
    expect(await readdir(outDir)).toEqual([]);
    const db = h.database.db;
    for (const table of ['retainer_budget_alerts', 'retainer_budget_snapshots', 'notifications', 'job_runs'] as const) {
      const { n } = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(n), table).toBe(0);
    }
  });

  it('rides out a 429 and a 500 from Tempo in the middle of the run, with the same figures', async () => {
    h = await createJobHarness('pglite', agency());
    const forProject = (id: number) => (r: { query: URLSearchParams }) => r.query.get('projectId') === String(id);
    h.sandbox.tempo.inject({ status: 429, body: { errors: { message: 'Too many requests' } }, match: forProject(SUBS) }); // no Retry-After
    h.sandbox.tempo.inject({ status: 500, body: { errors: { message: 'boom' } }, match: forProject(HRBR) });
    const stats = await succeeded(runMonitor(h, WED_0900));
    expect(stats).toMatchObject({ retainers: [{ key: 'SUBS', consumedHours: 84, percent: 70 }, { key: 'HRBR', consumedHours: 14 }] });
    expect(h.sandbox.tempo.requests.filter(forProject(SUBS))).toHaveLength(2);
    expect(h.sandbox.tempo.requests.filter(forProject(HRBR))).toHaveLength(2);
  });

  it('fails with a clear error, sends nothing and records no alert when Tempo keeps failing', async () => {
    const data = agency();
    data.tempo.worklogs.push(worklog(SUBS, '2025-11-12', 30 * H));
    h = await createJobHarness('pglite', data);
    h.sandbox.tempo.inject({ status: 503, body: { errors: { message: 'down' } }, times: 100 });
    const outcome = await runMonitor(h, WED_1300);
    expect(outcome.status).toBe('failed');
    if (outcome.status === 'failed') expect(outcome.error).toMatch(/Tempo .*\/4\/worklogs.* HTTP 503/);
    expect(h.sandbox.slack.messages).toEqual([]);
    expect(await retainerAlertsOfMonth(h.database.db, '2025-11')).toEqual([]);
  });

  it('sends an alert whose channel post failed on the next run, without repeating the DM', async () => {
    const data = agency();
    data.slack.channels = data.slack.channels.filter((c) => c.id !== 'C0SUBS'); // the bot is not in #subs yet
    data.tempo.worklogs.push(worklog(SUBS, '2025-11-12', 30 * H));
    h = await createJobHarness('pglite', data);
    const first = await succeeded(runMonitor(h, WED_1300));
    expect(first).toMatchObject({ alerts: { sent: 1, failed: 1 }, failures: [{ key: 'SUBS', to: 'channel C0SUBS', reason: 'Slack answered channel_not_found' }] });
    const [, ninety] = await retainerAlertsOfMonth(h.database.db, '2025-11');
    expect(ninety).toMatchObject({ threshold: 90, notified_at: null, notification_error: 'channel C0SUBS: Slack answered channel_not_found' });

    h.sandbox.slack.addChannel('C0SUBS');
    const second = await succeeded(runMonitor(h, WED_1700));
    expect(second).toMatchObject({ alerted: [{ key: 'SUBS', threshold: 90, resent: true }], alerts: { sent: 1, alreadySent: 1, failed: 0 } });
    expect(topLevel(h.sandbox.slack.messagesIn('C0SUBS'))).toHaveLength(1);
    expect(topLevel(h.sandbox.slack.dmsTo('U0GRACE'))).toHaveLength(1);
    expect((await retainerAlertsOfMonth(h.database.db, '2025-11'))[1]).toMatchObject({ notification_error: null });
    expect((await retainerAlertsOfMonth(h.database.db, '2025-11'))[1]!.notified_at).not.toBeNull();

    const third = await succeeded(runMonitor(h, THU_0900));
    expect(third).toMatchObject({ alerts: { thresholds: 0 } });
  });

  it('skips the daily summary, and says so, when no pm_alerts channel is configured', async () => {
    h = await createJobHarness('pglite', agency(orgConfig({ channels: {} })));
    const stats = await succeeded(runMonitor(h, WED_1700));
    expect(stats).toMatchObject({ summary: { status: 'skipped', reason: 'no channels.pm_alerts in the org config' } });
    expect(h.sandbox.slack.messages).toEqual([]);
  });

  it('attaches the full list as CSV in the summary’s thread when there are more retainers than the message shows', async () => {
    const projects = Array.from({ length: 45 }, (_, i) => ({
      key: `R${String(i + 1).padStart(2, '0')}`, name: `Retainer ${i + 1}`, type: 'retainer' as const, monthly_retainer_hours: 40, pm: 'Grace Hopper', tempo_project_id: 20001 + i,
    }));
    const data = agency(orgConfig({ projects }));
    data.tempo.worklogs = projects.flatMap((p, i) => everyDay(p.tempo_project_id, NOV_WORKING_DAYS_TO_11TH, (i % 5) * H));
    h = await createJobHarness('pglite', data);
    const stats = await succeeded(runMonitor(h, WED_1700));
    expect(stats).toMatchObject({ projects: 45, tempoProjectsQueried: 45, summary: { status: 'sent', hiddenRows: 5 } });
    const summary = h.sandbox.slack.messagesIn('C0PMALERTS').find((m) => !m.threadTs)!;
    expect(JSON.stringify(summary.blocks)).toContain('… and 5 more');
    const csv = h.sandbox.slack.files.find((f) => f.filename === 'retainer-budgets-2025-11-12.csv')!;
    expect(csv).toMatchObject({ channelId: 'C0PMALERTS', threadTs: summary.ts });
    const lines = csv.bytes!.toString('utf8').trim().split('\r\n');
    expect(lines[0]).toMatch(/^key,name,risk,/);
    expect(lines).toHaveLength(46);
    expect(existsSync(join(outDir, 'retainer-budgets-2025-11-12.csv'))).toBe(false);
  });
});
