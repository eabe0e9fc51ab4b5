// Test databases: every database test runs on PGlite (from the migrated template) and again on PostgreSQL when one
// answers, each test file in a database of its own that is dropped afterwards.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { openDatabase, type DatabaseHandle, type Db, type Engine } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

/** The engines this run can test: PGlite always, PostgreSQL when it answered in global setup. */
export function testEngines(): Engine[] {
  return inject('postgresUrl') ? ['pglite', 'postgres'] : ['pglite'];
}

export function postgresSkipReason(): string | null {
  return inject('postgresUrl') ? null : inject('postgresSkipReason');
}

export interface TestDatabase {
  handle: DatabaseHandle;
  db: Db;
  /** For PostgreSQL: the URL of this test's own database (a second pool can connect to it: a second replica). */
  url: string | null;
  close(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh, migrated database on `engine`. `migrated: false` gives an empty one (migration tests). */
export async function createTestDatabase(engine: Engine, options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const migrated = options.migrated ?? true;
  if (engine === 'pglite') {
    const snapshot = migrated ? new Blob([await readFile(inject('pgliteTemplate'))]) : undefined;
    const handle = await openDatabase({ pgliteDir: 'memory://', pgliteSnapshot: snapshot });
    return { handle, db: handle.db, url: null, close: () => handle.close() };
  }
  const adminUrl = inject('postgresUrl');
  if (!adminUrl) throw new Error('PostgreSQL is not available in this run');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  const handle = await openDatabase({ databaseUrl: url });
  if (migrated) await migrateToLatest(handle.db);
  return {
    handle,
    db: handle.db,
    url,
    async close() {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/** Inside a describe: a migrated database for the block, opened before its tests and dropped after. */
export function useTestDatabase(engine: Engine, options: { migrated?: boolean } = {}): () => TestDatabase {
  let current: TestDatabase | undefined;
  beforeAll(async () => {
    current = await createTestDatabase(engine, options);
  });
  afterAll(async () => {
    await current?.close();
  });
  return () => {
    if (!current) throw new Error('test database not ready');
    return current;
  };
}

/**
 * Inside a describe (PostgreSQL only): a migrated database and a second pool on it, as two replicas would have;
 * opened before the block's tests, closed and dropped after.
 */
export function useTwoConnections(): () => { database: TestDatabase; second: DatabaseHandle } {
  let pair: { database: TestDatabase; second: DatabaseHandle } | undefined;
  beforeAll(async () => {
    const database = await createTestDatabase('postgres');
    pair = { database, second: await openDatabase({ databaseUrl: database.url! }) };
  });
  afterAll(async () => {
    await pair?.second.close();
    await pair?.database.close();
  });
  return () => {
    if (!pair) throw new Error('test databases not ready');
    return pair;
  };
}
