// Runs once before the suite: migrates a PGlite template and dumps it (each test file loads the snapshot: ~0.3 s
// instead of a 2–3 s cold start), and finds out whether a real PostgreSQL answers for the second engine.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresUrl: string | null;
    postgresSkipReason: string;
  }
}

async function postgresAnswers(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'pm-agents-test-'));
  const handle = await openDatabase({ pgliteDir: 'memory://' });
  await migrateToLatest(handle.db);
  const dump = await handle.snapshot!();
  await handle.close();
  const path = join(dir, 'template.tar');
  await writeFile(path, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', path);

  const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const problem = await postgresAnswers(url);
  project.provide('postgresUrl', problem ? null : url);
  project.provide('postgresSkipReason', problem ? `PostgreSQL at ${url.replace(/\/\/[^@]*@/, '//')} did not answer (${problem})` : '');
  if (problem) console.warn(`\n⚠ PostgreSQL tests skipped: ${url} did not answer (${problem}). PGlite tests still run.\n`);
  return async () => rm(dir, { recursive: true, force: true });
}
