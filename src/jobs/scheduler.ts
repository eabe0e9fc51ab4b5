// The only place that knows cron: node-cron fires each job's ticks in the org time zone; its distributed run
// coordinator is backed by job_runs(job, slot), so when several `serve` processes share one database exactly one runs a
// tick. At start, a slot missed while every process was down is caught up once, if younger than the job's grace window.
import cron, { type RunCoordinator, type ScheduledTask } from 'node-cron';
import { slotClaimed } from '../db/job-runs.ts';
import type { JobContext, JobDefinition } from './job.ts';
import { claimSlot, executeJob, type JobOutcome } from './run-job.ts';

export interface SchedulerOptions {
  jobs: readonly JobDefinition[];
  timezone: string;
  /** Called after every run (logging, tests). */
  onRun?: (job: string, slot: Date, outcome: JobOutcome) => void;
}

/** The most recent moment ≤ `now` matching the cron expression, searching back at most `withinMs` (minute steps). */
export function previousSlot(task: Pick<ScheduledTask, 'match'>, now: Date, withinMs: number, hasSeconds: boolean): Date | undefined {
  const step = hasSeconds ? 1000 : 60_000;
  const start = Math.floor(now.getTime() / step) * step;
  for (let t = start; t >= now.getTime() - withinMs; t -= step) {
    const candidate = new Date(t);
    if (task.match(candidate)) return candidate;
  }
  return undefined;
}

/** The first moment after `now` matching the cron expression, searching ahead at most `withinMs` (for `run --list`). */
export function nextSlot(task: Pick<ScheduledTask, 'match'>, now: Date, withinMs: number, hasSeconds: boolean): Date | undefined {
  const step = hasSeconds ? 1000 : 60_000;
  for (let t = Math.floor(now.getTime() / step) * step + step; t <= now.getTime() + withinMs; t += step) {
    const candidate = new Date(t);
    if (task.match(candidate)) return candidate;
  }
  return undefined;
}

export const hasSecondsField = (schedule: string): boolean => schedule.trim().split(/\s+/).length === 6;

function parseKey(key: string): { job: string; slot: Date } {
  const i = key.indexOf(':');
  return { job: key.slice(0, i), slot: new Date(key.slice(i + 1)) };
}

export class Scheduler {
  private readonly tasks = new Map<string, ScheduledTask>();
  /** Runs this process claimed through the coordinator, handed to the task function that follows the claim. */
  private readonly claimed = new Map<string, { runId: string; slot: Date }>();
  private readonly running = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(
    private readonly ctx: JobContext,
    private readonly options: SchedulerOptions,
  ) {}

  private readonly coordinator: RunCoordinator = {
    shouldRun: async (key) => {
      if (this.stopping) return false;
      const { job, slot } = parseKey(key);
      const runId = await claimSlot(this.ctx.db, job, slot, 'schedule');
      if (!runId) return false;
      this.claimed.set(job, { runId, slot });
      return true;
    },
  };

  start(): void {
    for (const job of this.options.jobs) {
      const task = cron.schedule(job.schedule, () => this.track(this.runClaimed(job)), {
        name: job.name,
        timezone: this.options.timezone,
        noOverlap: true,
        distributed: true,
        runCoordinator: this.coordinator,
        suppressMissedWarning: true,
      });
      this.tasks.set(job.name, task);
    }
  }

  /** Run, once, each job's latest slot that no replica ran and that is still within its grace window. */
  async catchUp(now: Date): Promise<{ job: string; slot: Date; outcome: JobOutcome }[]> {
    const results: { job: string; slot: Date; outcome: JobOutcome }[] = [];
    for (const job of this.options.jobs) {
      const matcher = this.tasks.get(job.name) ?? cron.createTask(job.schedule, () => undefined, { timezone: this.options.timezone });
      const slot = previousSlot(matcher, now, job.graceMs, hasSecondsField(job.schedule));
      if (!slot || (await slotClaimed(this.ctx.db, job.name, slot))) continue;
      const runId = await claimSlot(this.ctx.db, job.name, slot, 'catch-up');
      if (!runId) continue;
      this.ctx.logger.info({ job: job.name, slot: slot.toISOString() }, 'catching up a missed run');
      const outcome = await this.track(executeJob(this.ctx, job, { asOf: slot, dryRun: false, trigger: 'catch-up', slot, claimedRunId: runId }));
      this.options.onRun?.(job.name, slot, outcome);
      results.push({ job: job.name, slot, outcome });
    }
    return results;
  }

  private async runClaimed(job: JobDefinition): Promise<void> {
    const claim = this.claimed.get(job.name);
    this.claimed.delete(job.name);
    if (!claim) return;
    const outcome = await executeJob(this.ctx, job, {
      asOf: claim.slot,
      dryRun: false,
      trigger: 'schedule',
      slot: claim.slot,
      claimedRunId: claim.runId,
    });
    this.options.onRun?.(job.name, claim.slot, outcome);
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.running.add(promise);
    void promise.finally(() => this.running.delete(promise));
    return promise;
  }

  nextRun(job: string): Date | null {
    return this.tasks.get(job)?.getNextRun() ?? null;
  }

  /** Stop taking ticks, then wait for the runs in progress to finish. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const task of this.tasks.values()) await task.destroy();
    this.tasks.clear();
    await Promise.allSettled([...this.running]);
  }
}
