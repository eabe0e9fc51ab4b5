// /plan storage: plans (a request turned into a goal and steps, its status and version), plan_steps (each step with
// where it stands; the executor's work queue, claimed with FOR UPDATE SKIP LOCKED), plan_events (every transition:
// who, when, what) and plan_templates (plans saved for reuse).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('plans')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('request', 'text', (c) => c.notNull())
    .addColumn('goal', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('draft', 'approved', 'executing', 'paused', 'completed', 'failed', 'cancelled')`),
    )
    // Bumped by every change a person makes; a click carrying an older version is refused.
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('requester_slack_id', 'text', (c) => c.notNull())
    .addColumn('requester_account_id', 'text')
    // Where /plan was typed.
    .addColumn('channel_id', 'text', (c) => c.notNull())
    // The message showing the plan (review, then progress), once posted.
    .addColumn('message_channel', 'text')
    .addColumn('message_ts', 'text')
    // When the progress message was last refreshed: executors share one throttle through it.
    .addColumn('message_refreshed_at', 'timestamptz')
    .addColumn('planner', 'text', (c) => c.notNull())
    .addColumn('notes', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    // Set by a cancel with rollback: a step still running then is undone as soon as it finishes.
    .addColumn('rollback_requested', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('plans_requester_idx').on('plans').columns(['requester_slack_id', 'created_at']).execute();
  await db.schema.createIndex('plans_status_idx').on('plans').column('status').execute();

  await db.schema
    .createTable('plan_steps')
    .addColumn('plan_id', 'bigint', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('step_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('params', 'jsonb', (c) => c.notNull())
    .addColumn('depends_on', 'jsonb', (c) => c.notNull())
    .addColumn('on_failure', 'text', (c) => c.notNull().check(sql`on_failure in ('stop', 'continue')`))
    .addColumn('estimate_minutes', 'integer', (c) => c.notNull())
    .addColumn('owner', 'text')
    .addColumn('needs', 'jsonb')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'running', 'completed', 'failed', 'skipped')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('result', 'jsonb')
    .addColumn('error', 'text')
    // The same for every attempt of the step: what it creates carries it, so nothing is created twice.
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_at', 'timestamptz')
    // A manual step waiting for a person's Done: running, but no executor is working on it.
    .addColumn('waiting_on', 'text')
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    // Set when a cancel with rollback undid what the step did.
    .addColumn('undone_at', 'timestamptz')
    .addPrimaryKeyConstraint('plan_steps_pkey', ['plan_id', 'step_id'])
    .execute();
  await db.schema.createIndex('plan_steps_status_idx').on('plan_steps').columns(['status', 'plan_id']).execute();

  await db.schema
    .createTable('plan_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('plan_id', 'bigint', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('step_id', 'text')
    // A Slack user id for people, or `executor:<runner>` for the executor.
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('plan_events_plan_idx').on('plan_events').columns(['plan_id', 'id']).execute();

  await db.schema
    .createTable('plan_templates')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('goal', 'text', (c) => c.notNull())
    .addColumn('steps', 'jsonb', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('plan_templates').execute();
  await db.schema.dropTable('plan_events').execute();
  await db.schema.dropTable('plan_steps').execute();
  await db.schema.dropTable('plans').execute();
}
