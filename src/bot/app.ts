// The Bolt app: HTTP receiver on PORT (`/slack/events`, `GET /healthz`), or Socket Mode when SLACK_APP_TOKEN is set.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Db } from '../db/database.ts';
import { pingDatabase } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { registerActions } from './actions/index.ts';
import { registerCommands } from './commands/index.ts';
import { registerEvents } from './events/index.ts';
import { registerViews } from './views/index.ts';

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
}

export interface Bot {
  app: App;
  /** The HTTP port listened on (HTTP mode), or null in Socket Mode. */
  start(): Promise<number | null>;
  stop(): Promise<void>;
}

/** Bolt's logger interface over pino (tokens are redacted by pino's own configuration). */
export function boltLogger(logger: Logger): SlackLogger {
  let level = LogLevel.INFO;
  const child = logger.child({ component: 'bolt' });
  return {
    debug: (...msg) => child.debug(msg.map(String).join(' ')),
    info: (...msg) => child.info(msg.map(String).join(' ')),
    warn: (...msg) => child.warn(msg.map(String).join(' ')),
    error: (...msg) => child.error(msg.map(String).join(' ')),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

export function createBot(options: BotOptions): Bot {
  const socketMode = Boolean(options.appToken);
  const app = new App({
    token: options.botToken,
    signingSecret: options.signingSecret,
    logger: boltLogger(options.logger),
    ...(socketMode ? { socketMode: true, appToken: options.appToken } : {}),
    ...(options.botIds ? { botId: options.botIds.botId, botUserId: options.botIds.botUserId, tokenVerificationEnabled: false } : {}),
    clientOptions: options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : undefined,
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
  registerCommands(app);
  registerActions(app);
  registerViews(app);
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
