// What every plan button listener does the same way: read who clicked and which plan/version/step the button carries,
// tell the clicker privately why nothing happened, show the plan's new state in its message, and start the executor.
// Shared by src/bot/actions/* and src/bot/views/*; each listener stays a few lines of "ack, call the service, show".
import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs, types } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { executePlans } from '../../jobs/plan-executor.ts';
import { RUNNER_ID } from '../../jobs/run-job.ts';
import { permissionOptions } from '../../jobs/plans/plan-changes.ts';
import { getPlan } from '../../jobs/plans/plan-service.ts';
import { canControlPlan } from '../../services/plans/permissions.ts';
import type { StoredPlan } from '../../services/plans/stored-plan.ts';
import type { BotDeps } from '../app.ts';
import { planMessage, readPlanButtonValue, type PlanButtonValue } from '../blocks/plan.ts';

type View = types.ModalView;

export type PlanActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** What a service answers a person's click with: the plan as it now is, or what to tell them (and what is wrong). */
export type PlanAnswer = { ok: true; plan: StoredPlan } | { ok: false; message: string; problems?: string[] };

/** A refusal as one message: the sentence, then each problem on its own line. */
export function refusalText(answer: { message: string; problems?: string[] }): string {
  return answer.problems?.length ? `${answer.message}\n${answer.problems.map((p) => `• ${p}`).join('\n')}` : answer.message;
}

export interface PlanClick {
  /** The Slack user who clicked. */
  actor: string;
  /** What the button (or chosen menu option) carries; undefined for a payload that is not ours. */
  value: PlanButtonValue | undefined;
  /** Where the click happened (for the ephemeral answer). */
  channel: string | undefined;
  triggerId: string;
}

/** The click, from a button's value or a menu's selected option. */
export function readClick(body: BlockAction): PlanClick {
  const action = body.actions[0] as { value?: string; selected_option?: { value?: string } } | undefined;
  const raw = action?.selected_option?.value ?? action?.value;
  const container = body.container as { channel_id?: string } | undefined;
  return { actor: body.user.id, value: readPlanButtonValue(raw), channel: body.channel?.id ?? container?.channel_id, triggerId: body.trigger_id };
}

/**
 * Tells only the clicker (an ephemeral message where they clicked); through the response_url when the bot cannot post
 * there. Never throws: a refusal that cannot be delivered is logged.
 */
export async function tellClicker(args: Pick<PlanActionArgs, 'client' | 'respond' | 'logger'>, click: Pick<PlanClick, 'actor' | 'channel'>, text: string): Promise<void> {
  try {
    if (!click.channel) throw new Error('no channel to answer in');
    await args.client.chat.postEphemeral({ channel: click.channel, user: click.actor, text });
  } catch (err) {
    try {
      await args.respond({ response_type: 'ephemeral', replace_original: false, text });
    } catch (fallbackErr) {
      args.logger.warn({ err, fallbackErr, user: click.actor }, 'could not tell the clicker why nothing happened');
    }
  }
}

/** Updates the plan's message in place (review while a draft, progress after). A plan with no message yet is left. */
export async function showPlan(deps: BotDeps, client: WebClient, plan: StoredPlan): Promise<void> {
  if (!plan.message) return;
  const message = planMessage(plan, { org: deps.ctx.config.org });
  try {
    await client.chat.update({ channel: plan.message.channel, ts: plan.message.ts, text: message.text, blocks: message.blocks });
  } catch (err) {
    deps.ctx.logger.error({ err, plan: plan.id }, 'could not update the plan message');
  }
}

/** Starts running the plan's ready steps now instead of at the executor's next tick; the caller does not wait. */
export function startExecutor(deps: BotDeps, planId: string): void {
  void executePlans(deps.ctx, { planId, runner: RUNNER_ID }).catch((err: unknown) => {
    deps.ctx.logger.error({ err, plan: planId }, 'the plan executor failed after a click');
  });
}

/** The answer for a payload that is not one of our plan buttons (an old message, a forged click). */
export const NOT_A_PLAN_BUTTON = 'That button no longer points at a plan. Try `/plan list`.';

/** The answer when something unexpected failed: the person learns nothing changed (details go to the log). */
export const SOMETHING_WENT_WRONG = 'Something went wrong on our side and nothing was changed. Please try again in a moment.';

/**
 * The usual body of a plan button: ack, read the click, call the service, then show the plan (and maybe start the
 * executor) or tell the clicker why not.
 */
export async function handlePlanClick(
  deps: BotDeps,
  args: PlanActionArgs,
  call: (click: PlanClick & { value: PlanButtonValue }) => Promise<PlanAnswer>,
  options: { startExecutor?: boolean } = {},
): Promise<StoredPlan | undefined> {
  await args.ack();
  const click = readClick(args.body);
  if (!click.value) {
    await tellClicker(args, click, NOT_A_PLAN_BUTTON);
    return undefined;
  }
  let answer: PlanAnswer;
  try {
    answer = await call({ ...click, value: click.value });
  } catch (err) {
    args.logger.error({ err, plan: click.value.planId, action: args.body.actions[0]?.action_id }, 'a plan button failed');
    await tellClicker(args, click, SOMETHING_WENT_WRONG);
    return undefined;
  }
  if (!answer.ok) {
    await tellClicker(args, click, refusalText(answer));
    return undefined;
  }
  await showPlan(deps, args.client, answer.plan);
  if (options.startExecutor) startExecutor(deps, answer.plan.id);
  return answer.plan;
}

/** Who may change a draft, in the words the service uses for its own refusals. */
export const ONLY_CONTROLLERS_EDIT = 'Only the person who asked for this plan or a PM can change it.';

/**
 * Opens a modal on a draft plan (edit step, add step) for someone allowed to change it; anyone else, or a plan that
 * is no longer a draft, gets an ephemeral answer. The trigger lives 3 s, so this reads the plan and opens at once.
 */
export async function openPlanModal(deps: BotDeps, args: PlanActionArgs, build: (plan: StoredPlan, click: PlanClick & { value: PlanButtonValue }) => View | string): Promise<void> {
  await args.ack();
  const click = readClick(args.body);
  if (!click.value) return tellClicker(args, click, NOT_A_PLAN_BUTTON);
  try {
    const plan = await getPlan(deps.ctx, click.value.planId);
    if (!plan) return await tellClicker(args, click, NOT_A_PLAN_BUTTON);
    if (!canControlPlan(plan, click.actor, deps.ctx.config.org, await permissionOptions(deps.ctx))) return await tellClicker(args, click, ONLY_CONTROLLERS_EDIT);
    if (plan.status !== 'draft') return await tellClicker(args, click, `This plan is ${plan.status === 'completed' ? 'done' : plan.status}: only a draft can be edited.`);
    const view = build(plan, { ...click, value: click.value });
    if (typeof view === 'string') return await tellClicker(args, click, view);
    await args.client.views.open({ trigger_id: click.triggerId, view });
  } catch (err) {
    args.logger.error({ err, plan: click.value.planId }, 'could not open a plan modal');
    await tellClicker(args, click, SOMETHING_WENT_WRONG);
  }
}
