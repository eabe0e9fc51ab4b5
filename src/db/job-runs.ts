// job_runs: one row per run. A scheduled or catch-up run first claims its (job, slot) — the unique key is what makes
// exactly one replica run a tick; manual runs have no slot and never block the schedule.
import { sql } from 'kysely';
import type { Db } from './database.ts';
import type { JobRunRow, JobTrigger } from './schema.ts';

/** Insert the run's row; for a slot already claimed by anyone, returns undefined (someone else runs it). */
export async function claimJobRun(
  db: Db,
  run: { job: string; slot: Date | null; trigger: JobTrigger; asOf: Date; dryRun: boolean; runner: string },
): Promise<string | undefined> {
  const row = await db
    .insertInto('job_runs')
    .values({ job: run.job, slot: run.slot, trigger: run.trigger, as_of: run.asOf, dry_run: run.dryRun, status: 'running', runner: run.runner })
    .onConflict((oc) => oc.columns(['job', 'slot']).where('slot', 'is not', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row ? String(row.id) : undefined;
}

export async function finishJobRun(
  db: Db,
  id: string,
  result: { status: 'succeeded' | 'failed'; durationMs: number; stats?: Record<string, unknown> | null; error?: string | null },
): Promise<void> {
  await db
    .updateTable('job_runs')
    .set({
      status: result.status,
      finished_at: sql<Date>`now()`,
      duration_ms: Math.round(result.durationMs),
      stats: result.stats ? JSON.stringify(result.stats) : null,
      error: result.error ?? null,
    })
    .where('id', '=', id)
    .execute();
}

export async function slotClaimed(db: Db, job: string, slot: Date): Promise<boolean> {
  const row = await db.selectFrom('job_runs').select('id').where('job', '=', job).where('slot', '=', slot).executeTakeFirst();
  return row !== undefined;
}

/** The latest run of each job (for `run --list`). */
export async function lastRuns(db: Db): Promise<Map<string, JobRunRow>> {
  const rows = await db
    .selectFrom('job_runs')
    .selectAll()
    .distinctOn('job')
    .orderBy('job')
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return new Map(rows.map((r) => [r.job, r]));
}

export async function runsOf(db: Db, job: string): Promise<JobRunRow[]> {
  return db.selectFrom('job_runs').selectAll().where('job', '=', job).orderBy('id').execute();
}
