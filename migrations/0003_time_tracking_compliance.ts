// History of the time-tracking compliance agent: one row per person and reviewed week (Monday), updated on re-runs.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('time_tracking_compliance')
    .addColumn('user_account_id', 'text', (c) => c.notNull())
    .addColumn('week_start_date', 'date', (c) => c.notNull())
    .addColumn('team', 'text')
    .addColumn('hours_logged', 'double precision', (c) => c.notNull())
    .addColumn('expected_hours', 'double precision', (c) => c.notNull())
    .addColumn('compliant_hours', 'double precision', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('compliant', 'partial', 'non_compliant')`))
    .addColumn('is_compliant', 'boolean', (c) => c.notNull())
    .addColumn('streak', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('by_day', 'jsonb', (c) => c.notNull())
    .addColumn('notification_sent', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('notification_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('time_tracking_compliance_pkey', ['user_account_id', 'week_start_date'])
    .execute();
  await db.schema.createIndex('time_tracking_compliance_week_idx').on('time_tracking_compliance').column('week_start_date').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('time_tracking_compliance').execute();
}
