// The PostgreSQL pool outlives a connection that fails while idle (a restart, an administrator's kill): it reports it
// and opens another, instead of ending the process with an unheard 'error' event.
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { createTestDatabase, postgresSkipReason, type TestDatabase } from '../support/databases.ts';

const pgSkip = postgresSkipReason();
describe.skipIf(pgSkip !== null)(`the PostgreSQL pool${pgSkip ? ` (skipped: ${pgSkip})` : ''}`, () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  const warnings: string[] = [];
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    handle = await openDatabase({ databaseUrl: database.url!, logger: { warn: (_o: unknown, msg?: string) => void warnings.push(String(msg)) } as never });
  });
  afterAll(async () => {
    await handle.close();
    await database.close();
  });

  it('reports an idle connection killed by an administrator, and the next query gets a new one', async () => {
    const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(handle.db);
    const admin = new pg.Client({ connectionString: database.url! });
    await admin.connect();
    try {
      await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
    } finally {
      await admin.end();
    }
    for (let i = 0; i < 50 && warnings.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(warnings).toEqual(['a pooled PostgreSQL connection failed while idle; it is replaced on next use']);
    const again = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(handle.db);
    expect(again.rows[0]!.pid).not.toBe(rows[0]!.pid);
  });
});
