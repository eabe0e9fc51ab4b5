// The Bolt app: HTTP receiver on PORT (`/slack/events`, `GET /healthz`), or Socket Mode when SLACK_APP_TOKEN is set.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';
import type { Db } from '../db/database.ts';
import { pingDatabase } from '../db/database.ts';
import { slackLoggerFrom, slackWebClientOptions } from '../integrations/slack.ts';
import type { JobContext } from '../jobs/job.ts';
import type { Logger } from '../logger.ts';
import { registerActions } from './actions/index.ts';
import { registerCommands } from './commands/index.ts';
import { registerEvents } from './events/index.ts';
import { registerViews } from './views/index.ts';

/** What the listeners that act (the /plan ones) run with; without it /plan says planning is not available. */
export interface BotDeps {
  /** Config, database, clients, clock, notifier, logger: the same context the jobs run with. */
  ctx: JobContext;
}

export interface BotOptions {
  db: Db;
  logger: Logger;
  botToken: string;
  signingSecret: string;
  /** Socket Mode when set (xapp-…). */
  appToken?: string;
  slackApiUrl?: string;
  port: number;
  /** Tests: skip the auth.test call Bolt makes to learn the bot's ids. */
  botIds?: { botId: string; botUserId: string };
  /** What the /plan command, buttons and modals need (serve passes `{ ctx: runtime.ctx }`). */
  deps?: BotDeps;
}

export interface Bot {
  app: App;
  /** The HTTP port listened on (HTTP mode), or null in Socket Mode. */
  start(): Promise<number | null>;
  stop(): Promise<void>;
}

export function createBot(options: BotOptions): Bot {
  const socketMode = Boolean(options.appToken);
  const app = new App({
    token: options.botToken,
    signingSecret: options.signingSecret,
    logger: slackLoggerFrom(options.logger.child({ component: 'bolt' }), options.botToken),
    ...(socketMode ? { socketMode: true, appToken: options.appToken } : {}),
    ...(options.botIds ? { botId: options.botIds.botId, botUserId: options.botIds.botUserId, tokenVerificationEnabled: false } : {}),
    clientOptions: slackWebClientOptions({ apiUrl: options.slackApiUrl, logger: options.logger, token: options.botToken }),
    customRoutes: socketMode
      ? undefined
      : [
          {
            path: '/healthz',
            method: ['GET'],
            handler: (_req, res) => {
              pingDatabase(options.db).then(
                () => {
                  res.writeHead(200, { 'content-type': 'application/json' });
                  res.end(JSON.stringify({ ok: true, database: 'up' }));
                },
                (err: Error) => {
                  options.logger.error({ err }, 'health check: database unreachable');
                  res.writeHead(503, { 'content-type': 'application/json' });
                  res.end(JSON.stringify({ ok: false, database: 'down' }));
                },
              );
            },
          },
        ],
  });
  registerCommands(app, options.deps);
  registerActions(app, options.deps);
  registerViews(app, options.deps);
  registerEvents(app);
  app.error(async (error) => {
    options.logger.error({ err: error }, 'unhandled error in a Slack listener');
  });

  return {
    app,
    async start() {
      if (socketMode) {
        await app.start();
        return null;
      }
      const server = (await app.start(options.port)) as Server;
      return (server.address() as AddressInfo).port;
    },
    async stop() {
      await app.stop();
    },
  };
}
