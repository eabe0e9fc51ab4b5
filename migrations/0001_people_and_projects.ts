// People, teams and projects: the org config mirrored in the database, so history rows can reference them.
// Frozen: migrations never import application code.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('people')
    .addColumn('account_id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('slack_user_id', 'text')
    .addColumn('github_login', 'text')
    .addColumn('team', 'text')
    .addColumn('is_pm', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('weekly_hours', 'double precision', (c) => c.notNull().defaultTo(40))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('teams')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('pm_account_id', 'text', (c) => c.references('people.account_id'))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('projects')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('retainer', 'scope', 'internal')`))
    .addColumn('monthly_retainer_hours', 'double precision')
    .addColumn('pm_account_id', 'text', (c) => c.references('people.account_id'))
    .addColumn('slack_channel', 'text')
    .addColumn('tempo_project_id', 'integer')
    .addColumn('github_repos', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema.createIndex('people_team_idx').on('people').column('team').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('projects').execute();
  await db.schema.dropTable('teams').execute();
  await db.schema.dropTable('people').execute();
}
