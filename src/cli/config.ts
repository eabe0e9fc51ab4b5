// `pm-agents config check` and `pm-agents config sync`.
import { systemClock } from '../clock.ts';
import { loadConfig, summariseOrgConfig, type Env } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { syncOrgConfig } from '../db/org-sync.ts';
import type { Logger } from '../logger.ts';

export async function configCommand(sub: string | undefined, env: Env, _logger: Logger): Promise<number> {
  if (sub !== 'check' && sub !== 'sync') {
    console.error('Usage: pm-agents config check | pm-agents config sync');
    return 1;
  }
  const config = await loadConfig(env); // throws ConfigError listing every problem: main prints it and exits 1
  if (sub === 'check') {
    console.log(`${config.runtime.configPath} is valid.`);
    for (const line of summariseOrgConfig(config.org)) console.log(`  ${line}`);
    if (config.runtime.timezoneOverride && config.runtime.timezoneOverride !== config.org.timezone) {
      console.log(`  note: PM_TIMEZONE=${config.runtime.timezoneOverride} overrides the file's timezone`);
    }
    return 0;
  }
  const database = await openDatabase({ databaseUrl: config.runtime.databaseUrl, pgliteDir: config.runtime.pgliteDir });
  try {
    await migrateToLatest(database.db);
    const result = await syncOrgConfig(database.db, config.org, systemClock.now());
    console.log(`Synced ${config.runtime.configPath} into ${database.location}:`);
    for (const [what, counts] of Object.entries(result)) {
      console.log(`  ${what}: ${counts.upserted} in the file, ${counts.deactivated} no longer in it marked inactive`);
    }
    return 0;
  } finally {
    await database.close();
  }
}
