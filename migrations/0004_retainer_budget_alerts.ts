// History of the retainer budget monitor: the thresholds alerted (or covered by a higher alert) per project and month,
// whose unique key makes each threshold alert once a month, and a snapshot of every retainer at every run.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('retainer_budget_alerts')
    .addColumn('project_key', 'text', (c) => c.notNull())
    // The calendar month in the org zone, YYYY-MM: a new month starts with no rows, so the ladder starts again.
    .addColumn('month', 'text', (c) => c.notNull().check(sql`month ~ '^[0-9]{4}-[0-9]{2}$'`))
    .addColumn('threshold', 'double precision', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('warning', 'critical', 'exceeded')`))
    // Set when a higher threshold was alerted in the same run: this one is recorded so it is never sent later.
    .addColumn('covered_by', 'double precision')
    .addColumn('consumed_hours', 'double precision', (c) => c.notNull())
    .addColumn('monthly_hours', 'double precision', (c) => c.notNull())
    .addColumn('percent', 'double precision', (c) => c.notNull())
    .addColumn('burn_rate_per_working_day', 'double precision')
    .addColumn('projected_month_end_hours', 'double precision')
    .addColumn('exhaustion_date', 'date')
    .addColumn('as_of', 'timestamptz', (c) => c.notNull())
    .addColumn('alerted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // The notifier's dedupe keys of the sends (PM's DM, project channel); empty for a covered threshold.
    .addColumn('notification_keys', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('notified_at', 'timestamptz')
    .addColumn('notification_error', 'text')
    .addPrimaryKeyConstraint('retainer_budget_alerts_pkey', ['project_key', 'month', 'threshold'])
    .execute();

  await db.schema
    .createTable('retainer_budget_snapshots')
    .addColumn('project_key', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull().check(sql`month ~ '^[0-9]{4}-[0-9]{2}$'`))
    .addColumn('as_of', 'timestamptz', (c) => c.notNull())
    .addColumn('as_of_date', 'date', (c) => c.notNull())
    .addColumn('monthly_hours', 'double precision', (c) => c.notNull())
    .addColumn('consumed_hours', 'double precision', (c) => c.notNull())
    .addColumn('percent', 'double precision', (c) => c.notNull())
    .addColumn('burn_rate_per_working_day', 'double precision')
    .addColumn('projected_month_end_hours', 'double precision')
    .addColumn('exhaustion_date', 'date')
    .addColumn('risk', 'text', (c) => c.notNull().check(sql`risk in ('exceeded', 'critical', 'warning', 'on_track')`))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('retainer_budget_snapshots_pkey', ['project_key', 'as_of'])
    .execute();
  await db.schema.createIndex('retainer_budget_snapshots_month_idx').on('retainer_budget_snapshots').columns(['month', 'project_key']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('retainer_budget_snapshots').execute();
  await db.schema.dropTable('retainer_budget_alerts').execute();
}
