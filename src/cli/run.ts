// `pm-agents run <job> [--as-of ISO] [--dry-run]` and `pm-agents run --list`.
import { DateTime } from 'luxon';
import cron from 'node-cron';
import { fixedClock, systemClock } from '../clock.ts';
import { loadConfig, type Env } from '../config.ts';
import { lastRuns } from '../db/job-runs.ts';
import { JOB_NAMES } from '../jobs/job.ts';
import { findJob, jobs } from '../jobs/registry.ts';
import { executeJob } from '../jobs/run-job.ts';
import { hasSecondsField, nextSlot } from '../jobs/scheduler.ts';
import type { Logger } from '../logger.ts';
import { openRuntime } from '../runtime.ts';

export interface RunArgs {
  job?: string;
  asOf?: string;
  dryRun: boolean;
  list: boolean;
}

/**
 * `--as-of`: an ISO date-time. With an offset or Z it is that instant; without one (`2025-11-24T10:00`, `2025-11-24`)
 * it is read in the org time zone, as a PM would mean it.
 */
export function parseAsOf(text: string, zone: string): Date {
  const at = DateTime.fromISO(text.trim(), { zone });
  if (!at.isValid) throw new AsOfError(`--as-of: "${text}" is not an ISO date-time (e.g. 2025-11-24T10:00:00-05:00 or 2025-11-24T10:00)`);
  return at.toJSDate();
}

export class AsOfError extends Error {}

export async function runCommand(args: RunArgs, env: Env, logger: Logger): Promise<number> {
  if (!args.list) {
    if (!args.job) {
      console.error('Usage: pm-agents run <job> [--as-of <ISO date-time>] [--dry-run] | pm-agents run --list');
      return 1;
    }
    if (!findJob(args.job)) {
      const known = jobs.map((j) => j.name);
      const planned = JOB_NAMES.filter((n) => !known.includes(n));
      console.error(
        `Unknown job "${args.job}". Jobs: ${known.join(', ') || '(none)'}` + (planned.length ? `\nNot available yet in this version: ${planned.join(', ')}` : ''),
      );
      return 1;
    }
  }
  try {
    if (args.asOf) parseAsOf(args.asOf, 'UTC'); // refuse garbage before opening anything
  } catch (err) {
    console.error((err as Error).message);
    return 1;
  }
  const config = await loadConfig(env);
  const asOf = args.asOf ? parseAsOf(args.asOf, config.timezone) : undefined;
  const runtime = await openRuntime({
    env,
    config,
    logger,
    clock: asOf ? fixedClock(asOf) : systemClock,
    dryRun: args.dryRun,
    render: ({ target, text }) => console.log(`\n── would send to ${target} ──\n${text}`),
  });
  try {
    if (args.list) {
      const last = await lastRuns(runtime.database.db);
      for (const job of jobs) {
        const task = cron.createTask(job.schedule, () => undefined, { timezone: runtime.config.timezone });
        const run = last.get(job.name);
        const lastText = run ? `${run.status} ${run.started_at.toISOString()}${run.error ? ` (${run.error.slice(0, 80)})` : ''}` : 'never';
        const next = nextSlot(task, runtime.ctx.clock.now(), 8 * 86_400_000, hasSecondsField(job.schedule));
        console.log(`${job.name.padEnd(26)} ${job.schedule.padEnd(18)} next ${next?.toISOString() ?? '—'}  last ${lastText}`);
        console.log(`${''.padEnd(26)} ${job.description}`);
      }
      return 0;
    }
    const job = findJob(args.job!)!;
    const outcome = await executeJob(runtime.ctx, job, { asOf: asOf ?? runtime.ctx.clock.now(), dryRun: args.dryRun, trigger: 'manual' });
    if (outcome.status === 'succeeded') {
      console.log(JSON.stringify({ job: job.name, status: 'succeeded', dryRun: args.dryRun, stats: outcome.stats }, null, 2));
      return 0;
    }
    console.error(`${job.name} ${outcome.status}: ${outcome.status === 'failed' ? outcome.error : outcome.reason}`);
    return 1;
  } finally {
    await runtime.close();
  }
}
