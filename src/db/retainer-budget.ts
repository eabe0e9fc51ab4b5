// Queries of the retainer budget monitor: the thresholds already alerted this month, one run's snapshots and newly
// crossed thresholds (the unique key decides who alerts), and how each alert's sends ended.
import type { Db } from './database.ts';
import type { NewRetainerBudgetAlert, NewRetainerBudgetSnapshot } from './schema.ts';

/** A threshold recorded for a project and month: alerted itself (`coveredBy` null) or skipped over by a higher one. */
export interface RecordedThreshold {
  projectKey: string;
  threshold: number;
  coveredBy: number | null;
  notifiedAt: Date | null;
}

const CHUNK = 500;

/** Every threshold recorded in `month` (YYYY-MM) for these projects. */
export async function retainerThresholdsOfMonth(db: Db, month: string, projectKeys: readonly string[]): Promise<RecordedThreshold[]> {
  if (projectKeys.length === 0) return [];
  const rows = await db
    .selectFrom('retainer_budget_alerts')
    .select(['project_key', 'threshold', 'covered_by', 'notified_at'])
    .where('month', '=', month)
    .where('project_key', 'in', [...projectKeys])
    .execute();
  return rows.map((r) => ({ projectKey: r.project_key, threshold: Number(r.threshold), coveredBy: r.covered_by === null ? null : Number(r.covered_by), notifiedAt: r.notified_at }));
}

/**
 * One run, in one transaction: upsert the snapshot of every retainer (a re-run for the same moment replaces it) and
 * insert the thresholds crossed, ON CONFLICT DO NOTHING. Returns the thresholds this call inserted as alerts (not
 * covered ones), as `KEY|threshold`: a threshold another run recorded first is that run's to send.
 */
export async function saveRetainerRun(
  db: Db,
  run: { snapshots: NewRetainerBudgetSnapshot[]; thresholds: NewRetainerBudgetAlert[] },
): Promise<Set<string>> {
  const inserted = new Set<string>();
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < run.snapshots.length; i += CHUNK) {
      await trx
        .insertInto('retainer_budget_snapshots')
        .values(run.snapshots.slice(i, i + CHUNK))
        .onConflict((oc) =>
          oc.columns(['project_key', 'as_of']).doUpdateSet((eb) => ({
            month: eb.ref('excluded.month'),
            as_of_date: eb.ref('excluded.as_of_date'),
            monthly_hours: eb.ref('excluded.monthly_hours'),
            consumed_hours: eb.ref('excluded.consumed_hours'),
            percent: eb.ref('excluded.percent'),
            burn_rate_per_working_day: eb.ref('excluded.burn_rate_per_working_day'),
            projected_month_end_hours: eb.ref('excluded.projected_month_end_hours'),
            exhaustion_date: eb.ref('excluded.exhaustion_date'),
            risk: eb.ref('excluded.risk'),
            recorded_at: eb.ref('excluded.recorded_at'),
          })),
        )
        .execute();
    }
    for (let i = 0; i < run.thresholds.length; i += CHUNK) {
      const rows = await trx
        .insertInto('retainer_budget_alerts')
        .values(run.thresholds.slice(i, i + CHUNK))
        .onConflict((oc) => oc.columns(['project_key', 'month', 'threshold']).doNothing())
        .returning(['project_key', 'threshold', 'covered_by'])
        .execute();
      for (const r of rows) if (r.covered_by === null) inserted.add(`${r.project_key}|${Number(r.threshold)}`);
    }
  });
  return inserted;
}

/** How an alert's sends ended: `notifiedAt` null leaves it pending, so the next run tries again (the ledger dedupes). */
export async function markRetainerAlertNotified(
  db: Db,
  alert: { projectKey: string; month: string; threshold: number },
  outcome: { keys: string[]; notifiedAt: Date | null; error: string | null },
): Promise<void> {
  await db
    .updateTable('retainer_budget_alerts')
    .set({ notification_keys: JSON.stringify(outcome.keys), notified_at: outcome.notifiedAt, notification_error: outcome.error })
    .where('project_key', '=', alert.projectKey)
    .where('month', '=', alert.month)
    .where('threshold', '=', alert.threshold)
    .execute();
}

/** A month's recorded thresholds, for reports and tests: by project, then threshold. */
export async function retainerAlertsOfMonth(db: Db, month: string) {
  return db.selectFrom('retainer_budget_alerts').selectAll().where('month', '=', month).orderBy('project_key').orderBy('threshold').execute();
}

/** A project's snapshots in a month, oldest first: its burn history run by run. */
export async function retainerSnapshots(db: Db, projectKey: string, month: string) {
  return db
    .selectFrom('retainer_budget_snapshots')
    .selectAll()
    .where('project_key', '=', projectKey)
    .where('month', '=', month)
    .orderBy('as_of')
    .execute();
}
