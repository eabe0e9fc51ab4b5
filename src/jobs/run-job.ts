// Runs one job once and records it in job_runs: status, duration, stats or error. Dry runs record nothing.
import { hostname } from 'node:os';
import { ConfigError, MissingEnvError } from '../config.ts';
import type { Db } from '../db/database.ts';
import { claimJobRun, finishJobRun } from '../db/job-runs.ts';
import type { JobTrigger } from '../db/schema.ts';
import { scrubSecrets } from '../logger.ts';
import type { JobContext, JobDefinition, JobStats } from './job.ts';

export const RUNNER_ID = `${hostname()}:${process.pid}`;

export type JobOutcome =
  | { status: 'succeeded'; stats: JobStats; durationMs: number; runId: string | null }
  | { status: 'failed'; error: string; durationMs: number; runId: string | null }
  | { status: 'skipped'; reason: string };

export interface ExecuteOptions {
  asOf: Date;
  dryRun: boolean;
  trigger: JobTrigger;
  /** The scheduled moment claimed for this run (schedule/catch-up). */
  slot?: Date;
  /** A job_runs row already claimed for this slot (by the cron coordinator). */
  claimedRunId?: string;
}

function errorText(err: unknown): string {
  return scrubSecrets(err instanceof Error ? err.message : String(err));
}

export async function claimSlot(db: Db, job: string, slot: Date, trigger: JobTrigger): Promise<string | undefined> {
  return claimJobRun(db, { job, slot, trigger, asOf: slot, dryRun: false, runner: RUNNER_ID });
}

export async function executeJob(ctx: JobContext, job: JobDefinition, options: ExecuteOptions): Promise<JobOutcome> {
  const { db, logger } = ctx;
  let runId: string | null = options.claimedRunId ?? null;
  if (!runId && !options.dryRun) {
    const claimed = await claimJobRun(db, {
      job: job.name,
      slot: options.slot ?? null,
      trigger: options.trigger,
      asOf: options.asOf,
      dryRun: false,
      runner: RUNNER_ID,
    });
    if (!claimed) return { status: 'skipped', reason: `slot ${options.slot?.toISOString()} already claimed by another run` };
    runId = claimed;
  }
  const jobCtx: JobContext = { ...ctx, notifier: ctx.notifier.forJob(job.name, { dryRun: options.dryRun }), logger: logger.child({ job: job.name }) };
  const started = performance.now();
  jobCtx.logger.info({ asOf: options.asOf.toISOString(), trigger: options.trigger, dryRun: options.dryRun }, 'job started');
  try {
    const stats = await job.run(jobCtx, { asOf: options.asOf, dryRun: options.dryRun });
    const durationMs = performance.now() - started;
    if (runId) await finishJobRun(db, runId, { status: 'succeeded', durationMs, stats });
    jobCtx.logger.info({ durationMs: Math.round(durationMs), stats }, 'job finished');
    return { status: 'succeeded', stats, durationMs, runId };
  } catch (err) {
    const durationMs = performance.now() - started;
    const error = errorText(err);
    if (runId) await finishJobRun(db, runId, { status: 'failed', durationMs, error }).catch(() => undefined);
    // A missing variable or bad config is the operator's to fix: the message says how; a stack trace would only bury it.
    if (err instanceof MissingEnvError || err instanceof ConfigError) jobCtx.logger.warn({ durationMs: Math.round(durationMs) }, `job failed: ${error}`);
    else jobCtx.logger.error({ err, durationMs: Math.round(durationMs) }, 'job failed');
    return { status: 'failed', error, durationMs, runId };
  }
}
