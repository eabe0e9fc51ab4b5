// Time Tracking Compliance agent: every Monday, the previous complete week (Mon–Sun, org zone) in Tempo → a verdict
// per active person, a friendly DM to those under their bar, one summary per PM, and the history row per person-week.
import { timeTrackingDm, timeTrackingPmSummary } from '../bot/blocks/time-tracking.ts';
import { mapConcurrent } from '../concurrency.ts';
import type { OrgConfig, Person } from '../config.ts';
import { complianceHistory, markComplianceNotifications, saveComplianceWeek } from '../db/time-tracking.ts';
import { addDays, previousCompleteWeek, type Week } from '../services/calendar.ts';
import { assessWeek, type ComplianceWorklog, type PersonWeek, type WeekAssessment } from '../services/compliance.ts';
import type { JobContext, JobDefinition, JobRunOptions, JobStats } from './job.ts';
import type { PersonAddress, SendOutcome } from './notifier.ts';

/** How many weeks of history feed streaks (a longer streak is shown as at least this long). */
const HISTORY_WEEKS = 12;
/** DMs in flight at once: Slack's per-method limits are enforced by the client; this keeps bursts modest. */
const SEND_CONCURRENCY = 4;

export function personAddress(p: Person): PersonAddress {
  return { name: p.name, accountId: p.jira_account_id, slackUserId: p.slack_user_id ?? null, email: p.email ?? null };
}

/** Where the DM's "Log time in Tempo" button points. */
export function logTimeUrl(org: OrgConfig, jiraBaseUrl: string | undefined, week: Week): string {
  if (org.tempo_app_url) return org.tempo_app_url;
  if (jiraBaseUrl) return `${jiraBaseUrl.replace(/\/+$/, '')}/plugins/servlet/ac/io.tempo.jira/tempo-app#!/my-work/week?date=${week.start}`;
  return 'https://app.tempo.io/';
}

/**
 * The week's worklogs, summed per person and day as the pages arrive: memory stays at one page plus people × 7 sums
 * however many worklogs the week holds (the verdicts only need the daily sums).
 */
async function fetchWeekHours(ctx: JobContext, week: Week): Promise<ComplianceWorklog[]> {
  const sums = new Map<string, ComplianceWorklog & { count: number }>();
  for await (const page of ctx.clients.tempo().worklogPages({ from: week.start, to: week.end })) {
    for (const w of page) {
      const key = `${w.accountId}\u0000${w.startDate}`;
      const sum = sums.get(key);
      if (sum) {
        sum.seconds += w.seconds;
        sum.count += 1;
      } else sums.set(key, { accountId: w.accountId, startDate: w.startDate, seconds: w.seconds, count: 1 });
    }
  }
  return [...sums.values()];
}

function describeFailure(outcome: SendOutcome): string | null {
  switch (outcome.status) {
    case 'unreachable':
      return outcome.reason;
    case 'failed':
      return outcome.error;
    default:
      return null;
  }
}

export async function runTimeTrackingCompliance(ctx: JobContext, { asOf, dryRun }: JobRunOptions): Promise<JobStats> {
  const { config, db, notifier, logger } = ctx;
  const org = config.org;
  const week = previousCompleteWeek(asOf, config.timezone);

  // 1. fetch
  const daily = await fetchWeekHours(ctx, week);
  const history = await complianceHistory(db, addDays(week.start, -7 * HISTORY_WEEKS), week.start);

  // 2. compute
  const assessment = assessWeek({
    week,
    people: org.people.map((p) => ({ accountId: p.jira_account_id, name: p.name, team: p.team ?? null, weeklyHours: p.weekly_hours, active: p.active })),
    worklogs: daily,
    thresholds: org.thresholds.time_tracking,
    history,
    teams: org.teams.map((t) => t.name),
    holidays: org.holidays,
  });
  if (assessment.unmapped.length > 0) {
    logger.warn(
      { week: week.label, accounts: assessment.unmapped.map((u) => ({ accountId: u.accountId, hours: u.seconds / 3600, worklogs: u.worklogs })) },
      'Tempo worklogs by accounts not in the org config (add them to people, or ignore if contractors)',
    );
  }

  // 3. persist
  if (!dryRun) {
    await saveComplianceWeek(
      db,
      assessment.people.map((p) => ({
        accountId: p.accountId,
        weekStart: week.start,
        team: p.team,
        hours: p.hours,
        expectedHours: p.expectedHours,
        compliantHours: p.compliantHours,
        status: p.status,
        streak: p.streak,
        byDay: p.byDay.map((d) => ({ date: d.date, hours: d.hours })),
      })),
      ctx.clock.now(),
    );
  }

  // 4. notify: DMs first (the PM summaries say who could not be reached)
  const byAccount = new Map(org.people.map((p) => [p.jira_account_id, p]));
  const url = logTimeUrl(org, config.env.JIRA_BASE_URL, week);
  const toDm = assessment.people.filter((p) => p.status !== 'compliant');
  const dmOutcomes = await mapConcurrent(toDm, SEND_CONCURRENCY, async (p) => {
    const message = timeTrackingDm(p, week, { logTimeUrl: url, holidays: org.holidays });
    const outcome = await notifier.send({ dedupeKey: `tt-dm:${week.label}:${p.accountId}`, to: { person: personAddress(byAccount.get(p.accountId)!) }, ...message });
    return { person: p, outcome };
  });
  if (!dryRun) {
    await markComplianceNotifications(
      db,
      week.start,
      dmOutcomes.map(({ person, outcome }) => ({
        accountId: person.accountId,
        sent: outcome.status === 'sent' || outcome.status === 'already_sent',
        error: describeFailure(outcome),
      })),
    );
  }
  const unreachable = dmOutcomes.filter(({ outcome }) => outcome.status === 'unreachable' || outcome.status === 'failed');

  const summaries = await sendPmSummaries(ctx, assessment, unreachable);

  const count = (status: SendOutcome['status']) => dmOutcomes.filter((d) => d.outcome.status === status).length;
  return {
    week: `${week.start}..${week.end}`,
    weekLabel: week.label,
    people: assessment.people.length,
    counts: assessment.counts,
    teams: Object.fromEntries(assessment.teams.map((t) => [t.team, t.percent === null ? null : Math.round(t.percent * 10) / 10])),
    worklogs: assessment.totals.worklogs,
    hoursLogged: Math.round((assessment.totals.seconds / 3600) * 100) / 100,
    dms: { sent: count('sent'), alreadySent: count('already_sent'), failed: count('failed') + count('unreachable'), dryRun: count('dry_run'), inProgress: count('in_progress') },
    pmSummaries: summaries,
    unmappedAccounts: assessment.unmapped.map((u) => ({ accountId: u.accountId, hours: Math.round((u.seconds / 3600) * 100) / 100, worklogs: u.worklogs })),
  };
}

/** One message per PM covering every team they lead; people without a team go to no one (they are in the stats). */
async function sendPmSummaries(
  ctx: JobContext,
  assessment: WeekAssessment,
  unreachable: { person: PersonWeek; outcome: SendOutcome }[],
): Promise<{ sent: number; alreadySent: number; failed: { pm: string; reason: string }[] }> {
  const org = ctx.config.org;
  const week = assessment.week;
  const teamsByPm = new Map<string, string[]>();
  for (const team of org.teams) teamsByPm.set(team.pm, [...(teamsByPm.get(team.pm) ?? []), team.name]);
  const result = { sent: 0, alreadySent: 0, failed: [] as { pm: string; reason: string }[] };
  for (const [pmName, teamNames] of teamsByPm) {
    const pm = org.people.find((p) => p.name === pmName)!;
    const teams = assessment.teams.filter((t) => teamNames.includes(t.team));
    const message = timeTrackingPmSummary({
      pmName,
      week,
      teams,
      unreachable: unreachable
        .filter(({ person }) => person.team !== null && teamNames.includes(person.team))
        .map(({ person, outcome }) => ({ name: person.name, reason: describeFailure(outcome) ?? 'unknown' })),
      unmapped: assessment.unmapped,
    });
    const outcome = await ctx.notifier.send({ dedupeKey: `tt-pm:${week.label}:${pm.jira_account_id}`, to: { person: personAddress(pm) }, ...message });
    if (outcome.status === 'sent' || outcome.status === 'dry_run') result.sent += 1;
    else if (outcome.status === 'already_sent') result.alreadySent += 1;
    else if (outcome.status !== 'in_progress') result.failed.push({ pm: pmName, reason: describeFailure(outcome) ?? outcome.status });
  }
  return result;
}

export const timeTrackingComplianceJob: JobDefinition = {
  name: 'time-tracking-compliance',
  description: 'Mondays 10:00: last week in Tempo; DMs to people under their bar, a summary to each team PM',
  schedule: '0 10 * * 1',
  graceMs: 24 * 3600_000,
  run: runTimeTrackingCompliance,
};
