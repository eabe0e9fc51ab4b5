import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateDown, migrateToLatest, pendingMigrations } from '../../src/db/migrate.ts';
import { migrations } from '../../migrations/index.ts';
import { testEngines, useTestDatabase } from '../support/databases.ts';

async function tableNames(db: Parameters<typeof migrateToLatest>[0]): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select table_name as name from information_schema.tables
    where table_schema = 'public' and table_name not like 'kysely_%' order by 1`.execute(db);
  return rows.map((r) => r.name);
}

async function columnNames(db: Parameters<typeof migrateToLatest>[0], table: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select column_name as name from information_schema.columns
    where table_schema = 'public' and table_name = ${table} order by 1`.execute(db);
  return rows.map((r) => r.name);
}

describe.each(testEngines())('migrations on %s', (engine) => {
  const test = useTestDatabase(engine, { migrated: false });

  it('creates every table, rolls back one step at a time, and re-applies cleanly', async () => {
    const { db } = test();
    const all = Object.keys(migrations);
    expect(await pendingMigrations(db)).toEqual(all);
    expect(await migrateToLatest(db)).toEqual(all);
    expect(await tableNames(db)).toEqual(['job_runs', 'notifications', 'people', 'plan_events', 'plan_steps', 'plan_templates', 'plans', 'projects', 'retainer_budget_alerts', 'retainer_budget_snapshots', 'slack_user_cache', 'teams', 'time_tracking_compliance']);
    expect(await migrateToLatest(db)).toEqual([]);

    expect(await columnNames(db, 'plan_steps')).toEqual(expect.arrayContaining(['checkpoint', 'waiting_for']));
    expect(await migrateDown(db)).toEqual(['0007_plan_queue_functions']);
    expect(await columnNames(db, 'plan_steps')).not.toContain('waiting_for');
    expect(await migrateDown(db)).toEqual(['0006_plan_step_checkpoint']);
    expect(await columnNames(db, 'plan_steps')).not.toContain('checkpoint');
    expect(await migrateDown(db)).toEqual(['0005_plans']);
    expect(await tableNames(db)).toEqual(['job_runs', 'notifications', 'people', 'projects', 'retainer_budget_alerts', 'retainer_budget_snapshots', 'slack_user_cache', 'teams', 'time_tracking_compliance']);
    for (let i = 0; i < all.length - 3; i++) await migrateDown(db);
    expect(await tableNames(db)).toEqual([]);
    expect(await migrateDown(db)).toEqual([]);

    expect(await migrateToLatest(db)).toEqual(all);
    expect(await pendingMigrations(db)).toEqual([]);
  });
});
