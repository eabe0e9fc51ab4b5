// The coordination tables: job_runs (one row per scheduled slot: the unique key makes one replica run it),
// notifications (the send ledger: claim, send, mark sent) and the Slack user lookup cache.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('job_runs')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('job', 'text', (c) => c.notNull())
    // The scheduled moment this run stands for; null for manual runs (`pm-agents run`), which never claim a slot.
    .addColumn('slot', 'timestamptz')
    .addColumn('trigger', 'text', (c) => c.notNull().check(sql`trigger in ('schedule', 'catch-up', 'manual')`))
    .addColumn('as_of', 'timestamptz', (c) => c.notNull())
    .addColumn('dry_run', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running', 'succeeded', 'failed')`))
    .addColumn('runner', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .addColumn('duration_ms', 'integer')
    .addColumn('error', 'text')
    .addColumn('stats', 'jsonb')
    .execute();
  await sql`create unique index job_runs_job_slot_key on job_runs (job, slot) where slot is not null`.execute(db);
  await db.schema.createIndex('job_runs_job_started_idx').on('job_runs').columns(['job', 'started_at']).execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('job', 'text')
    // Where it goes as asked: a channel id, or a person's Slack user id for a DM.
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('claimed', 'sent', 'failed')`))
    .addColumn('claimed_by', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('sent_at', 'timestamptz')
    .addColumn('slack_channel', 'text')
    .addColumn('slack_ts', 'text')
    .addColumn('error', 'text')
    .addColumn('text', 'text')
    .execute();
  await db.schema.createIndex('notifications_status_idx').on('notifications').columns(['status', 'claimed_at']).execute();

  await db.schema
    .createTable('slack_user_cache')
    .addColumn('email', 'text', (c) => c.primaryKey())
    // null: Slack answered users_not_found (cached too, for a shorter time)
    .addColumn('slack_user_id', 'text')
    .addColumn('looked_up_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('slack_user_cache').execute();
  await db.schema.dropTable('notifications').execute();
  await db.schema.dropTable('job_runs').execute();
}
