// The `pm-agents` CLI: serve | run <job> | migrate | demo | config check | config sync | bench.
// Each command returns its exit code; errors a person can fix are printed plainly, without a stack trace.
import { parseArgs } from 'node:util';
import { ConfigError, MissingEnvError } from './config.ts';
import { MigrationError } from './db/migrate.ts';
import { createLogger } from './logger.ts';

const USAGE = `pm-agents — the routine oversight work of agency project managers, in Slack

Usage:
  pm-agents serve                         Slack app + scheduler (HTTP on PORT, or Socket Mode with SLACK_APP_TOKEN)
  pm-agents run <job> [--as-of <ISO>] [--dry-run]
                                          run one agent once, now or as of a past moment
  pm-agents run --list                    list the agents, their schedules and last runs
  pm-agents migrate [--down]              apply pending database migrations (or roll back the last one)
  pm-agents config check                  validate the org config file (PM_CONFIG, default ./pm-agents.yaml)
  pm-agents config sync                   copy people, teams and projects from the config into the database
  pm-agents demo [--out <dir>]            run every agent on a simulated agency; no setup, no network
  pm-agents bench                         measure the agents at scale (prints JSON)

Environment: see README.md (DATABASE_URL, PM_CONFIG, PM_TIMEZONE, SLACK_*, TEMPO_*, JIRA_*, GITHUB_*, OPENAI_*).`;

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...rest] = argv;
  // The demo and the benchmarks print their own output; their logs would only get in the way.
  const logger = createLogger({ level: env.LOG_LEVEL ?? (command === 'demo' || command === 'bench' ? 'silent' : 'info') });
  try {
    switch (command) {
      case 'serve': {
        const { serveCommand } = await import('./cli/serve.ts');
        return await serveCommand(env, logger);
      }
      case 'run': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { 'as-of': { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, list: { type: 'boolean', default: false } },
        });
        const { runCommand } = await import('./cli/run.ts');
        return await runCommand({ job: positionals[0], asOf: values['as-of'], dryRun: values['dry-run'], list: values.list }, env, logger);
      }
      case 'migrate': {
        const { values } = parseArgs({ args: rest, options: { down: { type: 'boolean', default: false } } });
        const { migrateCommand } = await import('./cli/migrate.ts');
        return await migrateCommand({ down: values.down }, env);
      }
      case 'config': {
        const { configCommand } = await import('./cli/config.ts');
        return await configCommand(rest[0], env, logger);
      }
      case 'demo': {
        const { values } = parseArgs({ args: rest, options: { out: { type: 'string', default: './out' } } });
        const { demoCommand } = await import('./cli/demo.ts');
        return await demoCommand({ outDir: values.out }, logger);
      }
      case 'bench': {
        const { benchCommand } = await import('../bench/index.ts');
        return await benchCommand(rest);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return command === undefined ? 1 : 0;
      default:
        console.error(`Unknown command "${command}".\n\n${USAGE}`);
        return 1;
    }
  } catch (err) {
    if (err instanceof ConfigError || err instanceof MissingEnvError || err instanceof MigrationError) {
      console.error(err.message);
      return 1;
    }
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      console.error(`${err.message}\n\n${USAGE}`);
      return 1;
    }
    logger.error({ err }, 'command failed');
    console.error(`pm-agents ${command}: ${(err as Error).message}`);
    return 1;
  } finally {
    logger.flush?.();
  }
}
