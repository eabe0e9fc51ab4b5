// `pm-agents migrate [--down]`: apply pending migrations, or roll back the most recent one.
import { readRuntimeSettings, type Env } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { migrateDown, migrateToLatest } from '../db/migrate.ts';

export async function migrateCommand(options: { down: boolean }, env: Env): Promise<number> {
  const runtime = readRuntimeSettings(env);
  const database = await openDatabase({ databaseUrl: runtime.databaseUrl, pgliteDir: runtime.pgliteDir });
  try {
    if (options.down) {
      const [name] = await migrateDown(database.db);
      console.log(name ? `Rolled back ${name} on ${database.location}.` : `Nothing to roll back on ${database.location}.`);
    } else {
      const applied = await migrateToLatest(database.db);
      console.log(applied.length ? `Applied ${applied.join(', ')} on ${database.location}.` : `${database.location} is up to date.`);
    }
    return 0;
  } finally {
    await database.close();
  }
}
