// `/plan`: `help` (or nothing) explains it, `list` shows the caller's plans, `show <id>` one plan, and anything else
// is a request to plan. A request is acked at once ("Planning …"); the planning (an LLM call can take seconds) goes
// on after the ack, then the plan is posted where /plan was typed and problems reach the requester through response_url.
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { isPlanId } from '../../db/plans.ts';
import { attachPlanMessage, createPlanFromRequest, getPlan, listPlans } from '../../jobs/plans/plan-service.ts';
import type { StoredPlan } from '../../services/plans/stored-plan.ts';
import type { BotDeps } from '../app.ts';
import { planHelpMessage, planListMessage, planMessage } from '../blocks/plan.ts';

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

const NOT_AVAILABLE =
  'Planning is not available in this version of pm-agents yet. ' +
  'The scheduled agents (time tracking, retainer budgets) are running; `/plan` arrives with the planning release.';

const SOMETHING_WENT_WRONG = 'Something went wrong on our side while planning. Please try again in a moment.';

/** At most this much of a request is echoed back in "Planning …". */
const ECHO_LENGTH = 200;

/** Planning waits until no /plan was acked for this long (a burst of requests is over)… */
const QUIET_MS = 10;
/** …but never longer than this, so a steady stream of requests does not hold planning back. */
const MAX_DEFER_MS = 250;

let lastAckAt = 0;
let lastTurn: Promise<void> = Promise.resolve();

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Resolves when this caller may start planning: after a burst of /plan requests has been acked (or MAX_DEFER_MS), and
 * in an event-loop turn of its own after the callers before it. Starting a plan costs a few milliseconds of CPU (the
 * planner's prompt and schemas) before it waits seconds on the LLM; spending them while other requests wait for their
 * ack would make those acks late, so the acks go first.
 */
function turnToPlan(): Promise<void> {
  const queuedAt = performance.now();
  const mine = lastTurn.then(async () => {
    while (performance.now() - lastAckAt < QUIET_MS && performance.now() - queuedAt < MAX_DEFER_MS) await sleep(QUIET_MS);
    await new Promise<void>((resolve) => setImmediate(resolve));
  });
  lastTurn = mine;
  return mine;
}

export function planCommand(deps?: BotDeps) {
  return async (args: CommandArgs): Promise<void> => {
    const { command, ack } = args;
    const text = command.text.trim();
    if (!deps) return ack({ response_type: 'ephemeral', text: NOT_AVAILABLE });
    if (text === '' || /^help$/i.test(text)) return ack({ response_type: 'ephemeral', ...planHelpMessage() });
    if (/^list$/i.test(text)) {
      await ack();
      return answer(args, async () => planListMessage(await listPlans(deps.ctx, command.user_id)));
    }
    const show = /^show(?:\s+#?(\S+))?$/i.exec(text);
    if (show) {
      await ack();
      return answer(args, async () => showMessage(deps, show[1]));
    }
    const echo = text.length <= ECHO_LENGTH ? text : `${text.slice(0, ECHO_LENGTH - 1)}…`;
    await ack({ response_type: 'ephemeral', text: `:hourglass_flowing_sand: Planning “${echo}” … the plan will appear in this channel for review.` });
    lastAckAt = performance.now();
    await turnToPlan();
    await planAndPost(deps, args, text);
  };
}

/** Answers the caller privately through response_url with what `build` makes (or a clear failure). */
async function answer(args: CommandArgs, build: () => Promise<{ text: string; blocks?: unknown[] }>): Promise<void> {
  let message: { text: string; blocks?: unknown[] };
  try {
    message = await build();
  } catch (err) {
    args.logger.error({ err, command: args.command.text }, '/plan failed');
    message = { text: SOMETHING_WENT_WRONG };
  }
  await args.respond({ response_type: 'ephemeral', ...(message as { text: string }) }).catch((err: unknown) => {
    args.logger.warn({ err }, 'could not answer /plan through response_url');
  });
}

async function showMessage(deps: BotDeps, id: string | undefined): Promise<{ text: string; blocks?: unknown[] }> {
  if (id === undefined) return { text: 'Which plan? Write `/plan show <id>`; `/plan list` shows the ids of your plans.' };
  const plan = isPlanId(id) ? await getPlan(deps.ctx, id) : undefined;
  if (!plan) return { text: `There is no plan ${id}. \`/plan list\` shows the ids of your plans.` };
  const message = planMessage(plan, { org: deps.ctx.config.org, interactive: false });
  const where = plan.message ? `The live plan, with its buttons, is in <#${plan.message.channel}>.` : 'This plan was never posted.';
  return { text: message.text, blocks: [...message.blocks, { type: 'context', elements: [{ type: 'mrkdwn', text: where }] }] };
}

/**
 * After the ack: plan, post the review message where /plan was typed (or, when the bot cannot post there, in the
 * requester's DM) and remember which message shows the plan.
 */
async function planAndPost(deps: BotDeps, args: CommandArgs, request: string): Promise<void> {
  const { command, client, logger } = args;
  const tell = (text: string) =>
    args.respond({ response_type: 'ephemeral', text }).catch((err: unknown) => logger.warn({ err }, 'could not answer /plan through response_url'));
  let plan: StoredPlan;
  try {
    const outcome = await createPlanFromRequest(deps.ctx, { request, requesterSlackId: command.user_id, channelId: command.channel_id });
    if (!outcome.ok) return void (await tell(outcome.message));
    plan = outcome.plan;
  } catch (err) {
    logger.error({ err, request }, '/plan: planning failed');
    return void (await tell(SOMETHING_WENT_WRONG));
  }
  const message = planMessage(plan, { org: deps.ctx.config.org });
  let posted: { channel?: string; ts?: string };
  try {
    posted = await client.chat.postMessage({ channel: command.channel_id, text: message.text, blocks: message.blocks });
  } catch (err) {
    logger.warn({ err, plan: plan.id, channel: command.channel_id }, '/plan: could not post in the channel; sending the plan as a DM');
    try {
      posted = await client.chat.postMessage({ channel: command.user_id, text: message.text, blocks: message.blocks });
      await tell(`I could not post in this channel (invite me with \`/invite\` to post here), so plan ${plan.id} is in your DMs with me.`);
    } catch (dmErr) {
      logger.error({ err: dmErr, plan: plan.id }, '/plan: could not post the plan anywhere');
      return void (await tell(`Plan ${plan.id} is ready, but I could not post it here or in your DMs. \`/plan show ${plan.id}\` shows it.`));
    }
  }
  if (posted.channel && posted.ts) await attachPlanMessage(deps.ctx, plan.id, { channel: posted.channel, ts: posted.ts });
}
