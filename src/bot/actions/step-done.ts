// "Done" in a manual step's DM: its owner (or the requester) says the task is done. The DM loses its button, the plan
// message shows the step ticked, and the executor starts the steps that were waiting for it.
import { completeManualStep } from '../../jobs/plans/plan-service.ts';
import type { BotDeps } from '../app.ts';
import { manualStepDoneDm } from '../blocks/plan.ts';
import { handlePlanClick, NOT_A_PLAN_BUTTON, readClick, type PlanActionArgs } from './plan-click.ts';

export function stepDoneAction(deps: BotDeps) {
  return async (args: PlanActionArgs): Promise<void> => {
    const plan = await handlePlanClick(
      deps,
      args,
      async ({ value, actor }) => (value.stepId === undefined ? { ok: false, message: NOT_A_PLAN_BUTTON } : completeManualStep(deps.ctx, value.planId, value.stepId, actor)),
      { startExecutor: true },
    );
    const container = args.body.container as { channel_id?: string; message_ts?: string } | undefined;
    const stepId = readClick(args.body).value?.stepId;
    const step = plan?.steps.find((s) => s.id === stepId);
    if (!plan || !step || !container?.channel_id || !container.message_ts) return;
    const dm = manualStepDoneDm(plan, step, args.body.user.id);
    try {
      await args.client.chat.update({ channel: container.channel_id, ts: container.message_ts, text: dm.text, blocks: dm.blocks });
    } catch (err) {
      args.logger.warn({ err, plan: plan.id, step: step.id }, 'could not update the manual step DM');
    }
  };
}
