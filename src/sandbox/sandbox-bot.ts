// The real Bolt app over HTTP, wired to a running sandbox's fake Slack: what the demo, the /plan tests and the
// command-ack benchmark send signed requests into. Bolt is told the fake's bot ids (no auth.test call).
import { createBot, type Bot } from '../bot/app.ts';
import type { JobContext } from '../jobs/job.ts';
import type { Logger } from '../logger.ts';
import { SANDBOX_TOKENS, type Sandbox } from './sandbox.ts';

export interface SandboxBot {
  bot: Bot;
  port: number;
  /** Where Slack would send slash commands and interactions. */
  url: string;
  /** What signs those requests. */
  signingSecret: string;
}

export async function startSandboxBot(sandbox: Sandbox, ctx: JobContext, logger: Logger = ctx.logger): Promise<SandboxBot> {
  const signingSecret = sandbox.env.SLACK_SIGNING_SECRET ?? SANDBOX_TOKENS.slackSigningSecret;
  const bot = createBot({
    db: ctx.db,
    logger,
    botToken: sandbox.env.SLACK_BOT_TOKEN ?? SANDBOX_TOKENS.slack,
    signingSecret,
    slackApiUrl: sandbox.slack.apiUrl,
    port: 0,
    botIds: { botId: sandbox.slack.botId, botUserId: sandbox.slack.botUserId },
    deps: { ctx },
  });
  const port = (await bot.start()) ?? 0;
  return { bot, port, url: `http://127.0.0.1:${port}/slack/events`, signingSecret };
}
