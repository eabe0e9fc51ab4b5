// `pm-agents serve`: the Slack app and the scheduler in one process. Several may share one PostgreSQL: the database
// decides which replica runs a tick. On SIGTERM/SIGINT: stop taking work, finish the running job, close the pool.
import { MissingEnvError, requireEnv, type Env } from '../config.ts';
import { createBot } from '../bot/app.ts';
import { jobs } from '../jobs/registry.ts';
import { Scheduler } from '../jobs/scheduler.ts';
import type { Logger } from '../logger.ts';
import { openRuntime } from '../runtime.ts';

export async function serveCommand(env: Env, logger: Logger, signal?: AbortSignal): Promise<number> {
  let slack: { SLACK_BOT_TOKEN: string; SLACK_SIGNING_SECRET: string };
  try {
    slack = requireEnv(env, 'pm-agents serve', ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']);
  } catch (err) {
    if (err instanceof MissingEnvError) {
      console.error(`${err.message}\nTo try pm-agents without Slack, run: npx pm-agents demo`);
      return 1;
    }
    throw err;
  }
  const runtime = await openRuntime({ env, logger });
  const bot = createBot({
    db: runtime.database.db,
    logger,
    botToken: slack.SLACK_BOT_TOKEN,
    signingSecret: slack.SLACK_SIGNING_SECRET,
    appToken: env.SLACK_APP_TOKEN?.trim() || undefined,
    slackApiUrl: runtime.config.runtime.slackApiUrl,
    port: runtime.config.runtime.port,
    deps: { ctx: runtime.ctx },
  });
  const scheduler = new Scheduler(runtime.ctx, { jobs, timezone: runtime.config.timezone });
  const port = await bot.start();
  scheduler.start();
  logger.info(
    { mode: port === null ? 'socket' : 'http', port, database: runtime.database.location, jobs: jobs.map((j) => j.name), timezone: runtime.config.timezone },
    'pm-agents is serving',
  );
  void scheduler.catchUp(runtime.ctx.clock.now()).catch((err) => logger.error({ err }, 'catch-up failed'));

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    signal?.addEventListener('abort', stop, { once: true });
  });
  logger.info('shutting down: no new ticks; waiting for running jobs');
  await scheduler.stop();
  await bot.stop();
  await runtime.close();
  logger.info('stopped');
  return 0;
}
