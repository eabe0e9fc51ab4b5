// What an agent is to the scheduler and the CLI: a name, a schedule, a grace window, and run(ctx, { asOf, dryRun }).
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { Clients } from '../integrations/clients.ts';
import type { Logger } from '../logger.ts';
import type { Notifier } from './notifier.ts';

/** The job names operators script against (DESIGN.md): extend, never rename. */
export const JOB_NAMES = [
  'time-tracking-compliance',
  'retainer-budget-monitor',
  'forecast-variance',
  'epic-reconciliation',
  'bottleneck-detection',
  'epic-assignment',
  'epic-hours-sync',
  'plan-executor',
] as const;
export type JobName = (typeof JOB_NAMES)[number];

export interface JobContext {
  config: Config;
  db: Db;
  clients: Clients;
  clock: Clock;
  notifier: Notifier;
  logger: Logger;
  /** Where reports and charts are written (`./out` by default). */
  outDir: string;
}

export interface JobRunOptions {
  /** The moment the run stands for: now, the scheduled slot, or `--as-of`. */
  asOf: Date;
  /** Compute and show what would be sent; send nothing, write nothing. */
  dryRun: boolean;
}

/** A job's summary: counts and figures, printed by the CLI and stored in job_runs.stats. */
export type JobStats = Record<string, unknown>;

export interface JobDefinition {
  name: JobName;
  /** One line for `run --list`. */
  description: string;
  /** Cron expression (5 fields, or 6 with seconds), in the org time zone. */
  schedule: string;
  /** A slot missed while no replica was up is caught up at start if younger than this. */
  graceMs: number;
  run(ctx: JobContext, options: JobRunOptions): Promise<JobStats>;
}
