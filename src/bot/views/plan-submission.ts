// What both step modals do with a submission: read the metadata, check the form, ask the service, and answer Slack —
// field errors (`response_action: 'errors'`) when something is wrong, an empty ack to close the modal when the edit
// is in, after which the plan message is updated in place.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { getPlan } from '../../jobs/plans/plan-service.ts';
import type { StoredPlan } from '../../services/plans/stored-plan.ts';
import { showPlan, SOMETHING_WENT_WRONG } from '../actions/plan-click.ts';
import type { BotDeps } from '../app.ts';
import { readPlanModalMetadata, type PlanModalMetadata } from '../blocks/plan-modals.ts';
import { PLAN_BLOCKS } from '../ids.ts';
import { fieldErrorsFor, type FieldErrors, type FormValues } from './step-form.ts';

export type PlanViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** What a submission turns into: errors for the form, or a call to the service about one step. */
export type SubmissionOutcome =
  | { errors: FieldErrors }
  | { stepId: string; call: () => Promise<{ ok: true; plan: StoredPlan } | { ok: false; message: string; problems?: string[] }> };

/** The block ids the submitted modal has (errors may only name those). */
function blocksOf(args: PlanViewArgs): Set<string> {
  return new Set((args.body.view.blocks as { block_id?: string }[]).map((b) => b.block_id).filter((id): id is string => typeof id === 'string'));
}

export async function handlePlanSubmission(
  deps: BotDeps,
  args: PlanViewArgs,
  decide: (input: { plan: StoredPlan; metadata: PlanModalMetadata; values: FormValues; actor: string }) => SubmissionOutcome,
): Promise<void> {
  const { body, ack } = args;
  const metadata = readPlanModalMetadata(body.view.private_metadata);
  const fallback = PLAN_BLOCKS.title;
  const fail = (message: string) => ack({ response_action: 'errors', errors: { [fallback]: message } });
  if (!metadata) return fail('This form no longer points at a plan. Close it and try again from the plan message.');
  let plan: StoredPlan | undefined;
  try {
    plan = await getPlan(deps.ctx, metadata.planId);
    if (!plan) return await fail('This plan no longer exists.');
    const outcome = decide({ plan, metadata, values: body.view.state.values as FormValues, actor: body.user.id });
    if ('errors' in outcome) return await ack({ response_action: 'errors', errors: outcome.errors });
    const answer = await outcome.call();
    if (!answer.ok) {
      const errors = fieldErrorsFor(answer, { stepId: outcome.stepId, plan, blocks: blocksOf(args), fallback });
      return await ack({ response_action: 'errors', errors });
    }
    await ack();
    await showPlan(deps, args.client, answer.plan);
  } catch (err) {
    args.logger.error({ err, plan: metadata.planId }, 'a plan modal submission failed');
    await fail(SOMETHING_WENT_WRONG).catch(() => undefined);
  }
}
