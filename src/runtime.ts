// Assembles what a command runs with: config, database (migrated, org config synced), clients, notifier, logger.
import type { Clock } from './clock.ts';
import { systemClock } from './clock.ts';
import { loadConfig, type Config, type Env } from './config.ts';
import { openDatabase, type DatabaseHandle } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { syncOrgConfig, type OrgSyncResult } from './db/org-sync.ts';
import { createClients, type ClientOptions, type Clients } from './integrations/clients.ts';
import type { JobContext } from './jobs/job.ts';
import { Notifier, type RenderSink } from './jobs/notifier.ts';
import { RUNNER_ID } from './jobs/run-job.ts';
import type { Logger } from './logger.ts';

export interface Runtime {
  config: Config;
  database: DatabaseHandle;
  clients: Clients;
  /** null in a dry run (nothing written). */
  sync: OrgSyncResult | null;
  ctx: JobContext;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  env: Env;
  logger: Logger;
  clock?: Clock;
  outDir?: string;
  render?: RenderSink;
  clientOptions?: Omit<ClientOptions, 'logger'>;
  /** Load the config from this object instead of PM_CONFIG (the demo, tests). */
  config?: Config;
  /** Dry runs write nothing: the org config is not synced into the database. */
  dryRun?: boolean;
  /** Use this open database instead of DATABASE_URL/PGLITE_DIR (tests; closed by the caller, not by close()). */
  database?: DatabaseHandle;
}

export async function openRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { logger, env } = options;
  const clock = options.clock ?? systemClock;
  const config = options.config ?? (await loadConfig(env));
  const owned = options.database === undefined;
  const database = options.database ?? (await openDatabase({ databaseUrl: config.runtime.databaseUrl, pgliteDir: config.runtime.pgliteDir, logger }));
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length > 0) logger.info({ applied }, 'database migrated');
    const sync = options.dryRun ? null : await syncOrgConfig(database.db, config.org, clock.now());
    const clients = createClients(env, { logger, ...options.clientOptions });
    const names = Object.fromEntries(config.org.people.filter((p) => p.slack_user_id).map((p) => [p.slack_user_id!, p.name]));
    const notifier = new Notifier({ db: database.db, slack: clients.slack(), logger, runner: RUNNER_ID, render: options.render, names });
    const ctx: JobContext = { config, db: database.db, clients, clock, notifier, logger, outDir: options.outDir ?? './out' };
    return { config, database, clients, sync, ctx, close: async () => (owned ? database.close() : undefined) };
  } catch (err) {
    if (owned) await database.close();
    throw err;
  }
}
