// Runs the migrations in `migrations/` with Kysely's Migrator: to the latest, or one step down.
import { Migrator, type MigrationResultSet, type MigrationProvider } from 'kysely';
import { migrations } from '../../migrations/index.ts';
import type { Db } from './database.ts';

const provider: MigrationProvider = { getMigrations: async () => migrations };

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly results: MigrationResultSet['results'],
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

function check(set: MigrationResultSet): string[] {
  if (set.error) {
    const failed = set.results?.find((r) => r.status === 'Error');
    const cause = set.error instanceof Error ? set.error.message : String(set.error);
    throw new MigrationError(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause}`, set.results);
  }
  return (set.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Apply every pending migration; returns the names applied (empty when up to date). */
export async function migrateToLatest(db: Db): Promise<string[]> {
  return check(await new Migrator({ db, provider }).migrateToLatest());
}

/** Roll back the most recent migration; returns its name (empty when none was applied). */
export async function migrateDown(db: Db): Promise<string[]> {
  return check(await new Migrator({ db, provider }).migrateDown());
}

export async function pendingMigrations(db: Db): Promise<string[]> {
  const all = await new Migrator({ db, provider }).getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}
