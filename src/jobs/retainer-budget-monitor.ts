// Retainer Budget Monitor agent: at 09:00, 13:00 and 17:00 on weekdays, this month's Tempo hours of every retainer
// project → consumed, pace and forecast; one alert per threshold per project and month (to the PM and the project's
// channel, with the burn-up chart), and at 17:00 the day's summary of every retainer to the PMs' channel.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { retainerAlert, retainerDailySummary, retainerSummaryCsv } from '../bot/blocks/retainer-budget.ts';
import { mapConcurrent } from '../concurrency.ts';
import type { OrgConfig, Person } from '../config.ts';
import { markRetainerAlertNotified, retainerThresholdsOfMonth, saveRetainerRun, type RecordedThreshold } from '../db/retainer-budget.ts';
import type { NewRetainerBudgetAlert, NewRetainerBudgetSnapshot } from '../db/schema.ts';
import {
  alertLevel,
  assessRetainer,
  END_OF_WORKING_DAY_HOUR,
  sortByRisk,
  thresholdToAlert,
  type RetainerAssessment,
  type RetainerRisk,
} from '../services/budget.ts';
import { monthContaining, localDate } from '../services/calendar.ts';
import type { JobContext, JobDefinition, JobRunOptions, JobStats } from './job.ts';
import type { OutgoingFile, Recipient, SendOutcome } from './notifier.ts';
import { personAddress } from './time-tracking-compliance.ts';

/**
 * Tempo requests in flight at once. Tempo v4 worklogs carry an issue id but no project, so one query for every
 * project could not be split by project: each retainer is queried on its own (one page of up to 5000 worklogs for a
 * typical month). The HTTP client's own limit and Tempo's 429s still apply; this only keeps its queue fed.
 */
const FETCH_CONCURRENCY = 8;
/** Alerts being sent at once (each is a DM and a channel post, each with a chart upload). */
const SEND_CONCURRENCY = 4;
const SUMMARY_TIME_FORMAT = 'ccc LLL d, HH:mm';

export interface RetainerProject {
  key: string;
  name: string;
  monthlyHours: number;
  tempoProjectId: number;
  pm: Person | null;
  slackChannel: string | null;
}

/** Active retainer projects with their hours and Tempo id (the config refuses a retainer without them). */
export function retainerProjects(org: OrgConfig): RetainerProject[] {
  const people = new Map(org.people.map((p) => [p.name, p]));
  return org.projects.flatMap((p) =>
    p.type === 'retainer' && p.active && p.monthly_retainer_hours !== undefined && p.tempo_project_id !== undefined
      ? [{ key: p.key, name: p.name, monthlyHours: p.monthly_retainer_hours, tempoProjectId: p.tempo_project_id, pm: (p.pm && people.get(p.pm)) || null, slackChannel: p.slack_channel ?? null }]
      : [],
  );
}

/** Hours per local date for each Tempo project, summed as the pages arrive (seconds summed, converted once). */
async function fetchDailyHours(ctx: JobContext, tempoProjectIds: number[], from: string, to: string): Promise<Map<number, Map<string, number>>> {
  const tempo = ctx.clients.tempo();
  const sums = await mapConcurrent(tempoProjectIds, FETCH_CONCURRENCY, async (projectId) => {
    const seconds = new Map<string, number>();
    for await (const page of tempo.worklogPages({ from, to, projectIds: [projectId] })) {
      for (const w of page) seconds.set(w.startDate, (seconds.get(w.startDate) ?? 0) + w.seconds);
    }
    return new Map([...seconds].map(([date, s]) => [date, s / 3600]));
  });
  return new Map(tempoProjectIds.map((id, i) => [id, sums[i]!]));
}

/** What this run will send for one project: a newly crossed threshold, or a recorded one whose sends never ended. */
interface AlertToSend {
  project: RetainerProject;
  assessment: RetainerAssessment;
  threshold: number;
  /** Lower thresholds crossed since the last run, recorded as covered by this alert so they are never sent. */
  covered: number[];
  isNew: boolean;
}

function reached(percent: number, threshold: number): boolean {
  return percent >= threshold - 1e-9;
}

function alertFor(project: RetainerProject, a: RetainerAssessment, thresholds: readonly number[], recorded: RecordedThreshold[]): AlertToSend | null {
  const threshold = thresholdToAlert(a.percent, thresholds, recorded.map((r) => r.threshold));
  if (threshold !== null) {
    const known = new Set(recorded.map((r) => r.threshold));
    return { project, assessment: a, threshold, covered: thresholds.filter((t) => t < threshold && !known.has(t)), isNew: true };
  }
  // A run that recorded its alert but crashed or met a Slack failure before finishing: the ledger keeps it to once.
  const alerted = recorded.filter((r) => r.coveredBy === null);
  const latest = alerted.reduce<RecordedThreshold | null>((top, r) => (top === null || r.threshold > top.threshold ? r : top), null);
  if (latest && latest.notifiedAt === null && reached(a.percent, latest.threshold)) {
    return { project, assessment: a, threshold: latest.threshold, covered: [], isNew: false };
  }
  return null;
}

function snapshotRow(a: RetainerAssessment, asOf: Date, now: Date): NewRetainerBudgetSnapshot {
  return {
    project_key: a.key, month: a.month, as_of: asOf, as_of_date: a.asOfDate, monthly_hours: a.monthlyHours, consumed_hours: a.consumedHours,
    percent: a.percent, burn_rate_per_working_day: a.burnRatePerWorkingDay, projected_month_end_hours: a.projectedMonthEndHours,
    exhaustion_date: a.exhaustionDate, risk: a.risk, recorded_at: now,
  };
}

function thresholdRows(alert: AlertToSend, asOf: Date, now: Date): NewRetainerBudgetAlert[] {
  const a = alert.assessment;
  const row = (threshold: number, coveredBy: number | null): NewRetainerBudgetAlert => ({
    project_key: a.key, month: a.month, threshold, level: alertLevel(threshold), covered_by: coveredBy, consumed_hours: a.consumedHours,
    monthly_hours: a.monthlyHours, percent: a.percent, burn_rate_per_working_day: a.burnRatePerWorkingDay,
    projected_month_end_hours: a.projectedMonthEndHours, exhaustion_date: a.exhaustionDate, as_of: asOf, alerted_at: now,
  });
  return [...alert.covered.map((t) => row(t, alert.threshold)), row(alert.threshold, null)];
}

export const chartFilename = (key: string, month: string): string => `${key}-${month}-burn-up.png`;

function failureReason(outcome: SendOutcome): string | null {
  if (outcome.status === 'unreachable') return outcome.reason;
  if (outcome.status === 'failed') return outcome.error;
  return null;
}

interface SentAlert {
  alert: AlertToSend;
  sends: { to: string; dedupeKey: string; outcome: SendOutcome }[];
  chart: string | null;
}

/** The alert to the PM by DM and to the project's channel: two sends, two dedupe keys, the chart on each. */
async function sendAlert(ctx: JobContext, alert: AlertToSend, dryRun: boolean): Promise<SentAlert> {
  const { project, assessment: a, threshold } = alert;
  const thresholds = ctx.config.org.thresholds.retainer;
  const message = retainerAlert(a, threshold, alertLevel(threshold));
  // Imported when there is a chart to draw: the canvas and Chart.js cost ~30 MB that runs without an alert (and every
  // other job, which loads this module through the registry) should not pay.
  const { renderBurnUpChart } = await import('../services/charts.ts');
  const png = await renderBurnUpChart(a, { thresholds });
  const filename = chartFilename(a.key, a.month);
  const files: OutgoingFile[] = [{ filename, title: `${a.key} burn-up, ${a.month}`, content: png }];
  let chart: string | null = null;
  if (!dryRun) {
    await mkdir(ctx.outDir, { recursive: true });
    chart = join(ctx.outDir, filename);
    await writeFile(chart, png);
  }

  const base = `retainer:${a.key}:${a.month}:${threshold}`;
  const targets: { to: string; dedupeKey: string; recipient: Recipient }[] = [];
  if (project.pm) targets.push({ to: `pm ${project.pm.name}`, dedupeKey: base, recipient: { person: personAddress(project.pm) } });
  if (project.slackChannel) targets.push({ to: `channel ${project.slackChannel}`, dedupeKey: `${base}:channel`, recipient: { channel: project.slackChannel } });
  const sends: SentAlert['sends'] = [];
  for (const t of targets) {
    const outcome = await ctx.notifier.send({ dedupeKey: t.dedupeKey, to: t.recipient, ...message, files });
    sends.push({ to: t.to, dedupeKey: t.dedupeKey, outcome });
  }
  if (targets.length === 0) ctx.logger.warn({ project: a.key, threshold }, 'retainer alert has nowhere to go: the project has no pm and no slack_channel');

  if (!dryRun && !sends.some((s) => s.outcome.status === 'in_progress')) {
    const retry = sends.some((s) => s.outcome.status === 'failed');
    const errors = sends.flatMap((s) => {
      const reason = failureReason(s.outcome);
      return reason ? [`${s.to}: ${reason}`] : [];
    });
    await markRetainerAlertNotified(
      ctx.db,
      { projectKey: a.key, month: a.month, threshold },
      {
        keys: sends.map((s) => s.dedupeKey),
        notifiedAt: retry ? null : ctx.clock.now(),
        error: targets.length === 0 ? 'no pm and no slack_channel' : errors.length > 0 ? errors.join('; ') : null,
      },
    );
  }
  return { alert, sends, chart };
}

type SummaryResult = { status: SendOutcome['status'] | 'skipped' | 'not_due'; reason?: string; hiddenRows?: number };

/** The 17:00 run's summary of every retainer, most urgent first, to `channels.pm_alerts` (CSV attached past 40 rows). */
async function sendDailySummary(ctx: JobContext, assessments: RetainerAssessment[], asOf: Date): Promise<SummaryResult> {
  const local = DateTime.fromJSDate(asOf, { zone: ctx.config.timezone });
  if (local.hour < END_OF_WORKING_DAY_HOUR) return { status: 'not_due', reason: `the summary goes out with the ${END_OF_WORKING_DAY_HOUR}:00 run` };
  const channel = ctx.config.org.channels.pm_alerts;
  if (!channel) {
    ctx.logger.warn('no channels.pm_alerts in the org config: the daily retainer summary was not posted');
    return { status: 'skipped', reason: 'no channels.pm_alerts in the org config' };
  }
  if (assessments.length === 0) return { status: 'skipped', reason: 'no retainer projects' };
  const date = local.toISODate()!;
  const { hiddenCount, ...message } = retainerDailySummary(assessments, local.toFormat(SUMMARY_TIME_FORMAT));
  const files: OutgoingFile[] =
    hiddenCount > 0 ? [{ filename: `retainer-budgets-${date}.csv`, title: `Retainer budgets, ${date}`, content: Buffer.from(retainerSummaryCsv(assessments)) }] : [];
  const outcome = await ctx.notifier.send({ dedupeKey: `retainer-summary:${date}`, to: { channel }, ...message, files });
  const reason = failureReason(outcome);
  return { status: outcome.status, ...(reason ? { reason } : {}), hiddenRows: hiddenCount };
}

const round = (n: number | null, digits: number): number | null => (n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits);

export async function runRetainerBudgetMonitor(ctx: JobContext, { asOf, dryRun }: JobRunOptions): Promise<JobStats> {
  const { config, db } = ctx;
  const org = config.org;
  const thresholds = org.thresholds.retainer;
  const month = monthContaining(localDate(asOf, config.timezone));
  const asOfDate = localDate(asOf, config.timezone);
  const projects = retainerProjects(org);

  // 1. fetch
  const tempoIds = [...new Set(projects.map((p) => p.tempoProjectId))];
  const hours = projects.length > 0 ? await fetchDailyHours(ctx, tempoIds, month.start, asOfDate) : new Map<number, Map<string, number>>();
  const recorded = await retainerThresholdsOfMonth(db, month.label, projects.map((p) => p.key));

  // 2. compute
  const assessments = projects.map((p) =>
    assessRetainer({
      project: { key: p.key, name: p.name, monthlyHours: p.monthlyHours },
      asOf,
      zone: config.timezone,
      dailyHours: hours.get(p.tempoProjectId)!,
      holidays: org.holidays,
      thresholds,
    }),
  );
  let alerts = projects.flatMap((p, i) => {
    const alert = alertFor(p, assessments[i]!, thresholds, recorded.filter((r) => r.projectKey === p.key));
    return alert ? [alert] : [];
  });

  // 3. persist: the unique (project, month, threshold) key decides which run alerts a newly crossed threshold
  if (!dryRun) {
    const now = ctx.clock.now();
    const won = await saveRetainerRun(db, {
      snapshots: assessments.map((a) => snapshotRow(a, asOf, now)),
      thresholds: alerts.filter((a) => a.isNew).flatMap((a) => thresholdRows(a, asOf, now)),
    });
    alerts = alerts.filter((a) => !a.isNew || won.has(`${a.project.key}|${a.threshold}`));
  }

  // 4. notify
  const sent = await mapConcurrent(alerts, SEND_CONCURRENCY, (alert) => sendAlert(ctx, alert, dryRun));
  const summary = await sendDailySummary(ctx, assessments, asOf);

  const outcomes = sent.flatMap((s) => s.sends.map((x) => x.outcome.status));
  const count = (status: SendOutcome['status']) => outcomes.filter((s) => s === status).length;
  const alertedBy = new Map(sent.map((s) => [s.alert.project.key, s.alert.threshold]));
  const risk = (r: RetainerRisk) => assessments.filter((a) => a.risk === r).length;
  return {
    month: month.label,
    asOfDate,
    projects: assessments.length,
    risk: { exceeded: risk('exceeded'), critical: risk('critical'), warning: risk('warning'), onTrack: risk('on_track') },
    alerts: { thresholds: sent.length, sent: count('sent'), alreadySent: count('already_sent'), failed: count('failed') + count('unreachable'), dryRun: count('dry_run'), inProgress: count('in_progress') },
    summary,
    alerted: sent.map((s) => ({ key: s.alert.project.key, threshold: s.alert.threshold, level: alertLevel(s.alert.threshold), covered: s.alert.covered, resent: !s.alert.isNew })),
    failures: sent.flatMap((s) => s.sends.flatMap((x) => (failureReason(x.outcome) ? [{ key: s.alert.project.key, to: x.to, reason: failureReason(x.outcome) }] : []))),
    retainers: sortByRisk(assessments).map((a) => ({
      key: a.key,
      consumedHours: round(a.consumedHours, 2),
      monthlyHours: a.monthlyHours,
      percent: round(a.percent, 1),
      risk: a.risk,
      projectedMonthEndHours: round(a.projectedMonthEndHours, 1),
      exhaustionDate: a.exhaustionDate,
      alertedThreshold: alertedBy.get(a.key) ?? null,
    })),
    charts: sent.flatMap((s) => (s.chart ? [s.chart] : [])),
    tempoProjectsQueried: tempoIds.length,
  };
}

export const retainerBudgetMonitorJob: JobDefinition = {
  name: 'retainer-budget-monitor',
  description: 'Weekdays 09:00, 13:00, 17:00: retainer hours this month; one alert per threshold crossed (PM and project channel), a summary at 17:00',
  schedule: '0 9,13,17 * * 1-5',
  // A missed slot is worth catching up until the next one is near (they are four hours apart).
  graceMs: 3 * 3600_000,
  run: runRetainerBudgetMonitor,
};
